package io.moelab.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library through DJL.
 *
 * <p>Loading is purely local: DJL is put in offline mode before its first use so it neither
 * downloads nor phones home. BOS/EOS come from {@code tokenizer_config.json} ({@code bos_token},
 * {@code eos_token}) and otherwise from {@code config.json} ({@code bos_token_id},
 * {@code eos_token_id}) next to {@code tokenizer.json}.
 */
public final class HfTokenizer implements Tokenizer {

    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    public static final String MODEL_CONFIG_FILE = "config.json";

    static {
        // DJL reads this to skip hub downloads and telemetry; respect an explicit user choice.
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final OptionalInt bosId;
    private final OptionalInt eosId;

    private HfTokenizer(
            HuggingFaceTokenizer tokenizer,
            int vocabSize,
            JsonNode tokenizerConfig,
            JsonNode modelConfig,
            Path modelDir) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.bosId = specialTokenId(tokenizerConfig, "bos_token", modelConfig, "bos_token_id", modelDir);
        this.eosId = specialTokenId(tokenizerConfig, "eos_token", modelConfig, "eos_token_id", modelDir);
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and the special-token settings beside it.
     *
     * @throws MoelabInputException if a file is missing, unreadable or malformed
     */
    public static HfTokenizer load(Path modelDir) {
        Path tokenizerFile = modelDir.resolve(TOKENIZER_FILE);
        JsonNode tokenizerJson = readJson(tokenizerFile);
        if (tokenizerJson.isMissingNode()) {
            throw new MoelabInputException(tokenizerFile + ": file not found");
        }
        JsonNode tokenizerConfig = readJson(modelDir.resolve(TOKENIZER_CONFIG_FILE));
        JsonNode modelConfig = readJson(modelDir.resolve(MODEL_CONFIG_FILE));
        HuggingFaceTokenizer tokenizer;
        try {
            // Padding and truncation are off: sequences are cut by the dataset code, not here.
            tokenizer =
                    HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of("padding", "false", "truncation", "false"));
        } catch (IOException | RuntimeException e) {
            throw new MoelabInputException(tokenizerFile + ": not a usable tokenizer (" + e.getMessage() + ")", e);
        }
        try {
            return new HfTokenizer(
                    tokenizer, vocabSize(tokenizerJson, tokenizerFile), tokenizerConfig, modelConfig, modelDir);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    /** Token ids of {@code text} with whatever special tokens tokenizer.json's post-processor adds. */
    public int[] encodeWithSpecialTokens(String text) {
        return toInts(tokenizer.encode(text, true, false).getIds());
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public OptionalInt bosId() {
        return bosId;
    }

    @Override
    public OptionalInt eosId() {
        return eosId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private OptionalInt specialTokenId(
            JsonNode tokenizerConfig, String tokenField, JsonNode modelConfig, String idField, Path modelDir) {
        JsonNode token = tokenizerConfig.path(tokenField);
        // tokenizer_config.json writes a token either as a string or as an AddedToken object.
        JsonNode content = token.isObject() ? token.path("content") : token;
        if (content.isTextual()) {
            int[] ids = encode(content.asText());
            if (ids.length != 1) {
                throw new MoelabInputException(modelDir.resolve(TOKENIZER_CONFIG_FILE) + ": "
                        + tokenField + " '" + content.asText() + "' is not a single token of "
                        + TOKENIZER_FILE + " (encodes to " + Arrays.toString(ids) + ")");
            }
            return OptionalInt.of(ids[0]);
        }
        // Some configs (Llama 3) list several EOS ids; the first is the canonical one.
        JsonNode id = modelConfig.path(idField);
        JsonNode firstId = id.isArray() ? id.path(0) : id;
        return firstId.isInt() ? OptionalInt.of(firstId.asInt()) : OptionalInt.empty();
    }

    /** Largest id in the model's vocabulary or the added tokens, plus one. */
    private static int vocabSize(JsonNode tokenizerJson, Path tokenizerFile) {
        JsonNode vocab = tokenizerJson.path("model").path("vocab");
        int maxId = -1;
        if (vocab.isArray()) {
            maxId = vocab.size() - 1; // Unigram: a list of [piece, score], id = position
        } else {
            for (JsonNode id : vocab) {
                maxId = Math.max(maxId, id.asInt());
            }
        }
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        if (maxId < 0) {
            throw new MoelabInputException(tokenizerFile + ": model.vocab is missing or empty");
        }
        return maxId + 1;
    }

    /** The parsed file, or a missing node if the file does not exist. */
    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new MoelabInputException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }
}
