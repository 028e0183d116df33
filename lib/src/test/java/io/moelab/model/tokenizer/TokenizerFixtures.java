package io.moelab.model.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small hand-written Hugging Face tokenizer files. */
final class TokenizerFixtures {

    private TokenizerFixtures() {}

    /**
     * A WordLevel tokenizer over a whitespace pre-tokenizer with ids 0..6, whose post-processor
     * (like Llama's) prepends {@code <s>}.
     */
    static final String WORD_LEVEL_TOKENIZER_JSON = """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,
              "added_tokens": [
                {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
              ],
              "normalizer": null,
              "pre_tokenizer": {"type": "Whitespace"},
              "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
              },
              "decoder": null,
              "model": {
                "type": "WordLevel",
                "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "hello": 3, "world": 4, "moe": 5, "!": 6},
                "unk_token": "<unk>"
              }
            }
            """;

    static Path writeModelDir(Path dir, String tokenizerConfig, String modelConfig) throws IOException {
        Files.writeString(dir.resolve(HfTokenizer.TOKENIZER_FILE), WORD_LEVEL_TOKENIZER_JSON);
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve(HfTokenizer.TOKENIZER_CONFIG_FILE), tokenizerConfig);
        }
        if (modelConfig != null) {
            Files.writeString(dir.resolve(HfTokenizer.MODEL_CONFIG_FILE), modelConfig);
        }
        return dir;
    }
}
