package io.moelab.data;

import io.moelab.MoelabInputException;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.moe.MoeConfig;
import java.io.Serializable;
import java.util.OptionalInt;

/**
 * How {@link Sequencer} turns tokenized documents into model inputs of at most {@code length} tokens.
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>{@link Mode#PACK}: documents, in the dataset's global order, are concatenated into one token
 *       stream (each document followed by EOS when {@code appendEos}) and the stream is cut into
 *       blocks of exactly {@code length} tokens; each block starts with BOS when {@code addBos}, so
 *       it carries {@code length - 1} stream tokens. The last, incomplete block is <b>dropped</b>, as
 *       NAEE (128 × 2048 tokens of C4) and MC-SMoE (512-token blocks) do: every sequence has exactly
 *       {@code length} tokens.</li>
 *   <li>{@link Mode#WHOLE}: one sequence per document: BOS (when {@code addBos}), the document's
 *       tokens, EOS (when {@code appendEos}), truncated to {@code length} (a truncated document loses
 *       its EOS). Nothing crosses a document boundary.</li>
 * </ul>
 *
 * <h2>BOS and EOS per tokenizer ({@link #forModel})</h2>
 * The ids come from the tokenizer ({@code tokenizer_config.json} / {@code config.json} next to
 * {@code tokenizer.json}); when the tokenizer defines none, as the byte-level tokenizer does, from
 * the model's {@code config.json} ({@code bos_token_id}, {@code eos_token_id}). A BOS id that is
 * known starts every sequence; an EOS id that is known ends every document. Example: the byte-level
 * models trained by moelab have BOS = 2 and EOS = 3, so a PACK block is {@code 2, bytes of doc a, 3,
 * bytes of doc b, 3, ...} and a WHOLE sequence is {@code 2, bytes of the doc, 3}.
 *
 * @param mode      PACK or WHOLE
 * @param length    L, the sequence length (PACK: exact; WHOLE: maximum)
 * @param addBos    start every sequence with {@code bosId}
 * @param bosId     BOS token id, -1 when none
 * @param appendEos end every document with {@code eosId}
 * @param eosId     EOS token id, -1 when none
 */
public record SequencingOptions(Mode mode, int length, boolean addBos, int bosId, boolean appendEos, int eosId)
        implements Serializable {

    /** PACK: fixed blocks over the concatenated stream; WHOLE: one sequence per document. */
    public enum Mode {
        PACK,
        WHOLE
    }

    public SequencingOptions {
        if (mode == null) {
            throw new MoelabInputException("sequencing mode: expected PACK or WHOLE, got nothing");
        }
        int minimum = addBos ? 2 : 1;
        if (length < minimum) {
            throw new MoelabInputException("sequence length: expected at least " + minimum
                    + (addBos ? " (BOS plus one token)" : "") + ", got " + length);
        }
        if (addBos && bosId < 0) {
            throw new MoelabInputException("sequencing: addBos is set but no BOS id was given");
        }
        if (appendEos && eosId < 0) {
            throw new MoelabInputException("sequencing: appendEos is set but no EOS id was given");
        }
    }

    /** Options for {@code mode} and {@code length} with BOS/EOS as the tokenizer, else the model, defines them. */
    public static SequencingOptions forModel(Mode mode, int length, Tokenizer tokenizer, MoeConfig config) {
        return forIds(
                mode,
                length,
                firstKnown(tokenizer.bosId(), config.bosTokenId()),
                firstKnown(tokenizer.eosId(), config.eosTokenId()));
    }

    /** Options that add BOS when {@code bosId >= 0} and EOS when {@code eosId >= 0}. */
    public static SequencingOptions forIds(Mode mode, int length, int bosId, int eosId) {
        return new SequencingOptions(mode, length, bosId >= 0, bosId, eosId >= 0, eosId);
    }

    /** Stream tokens per PACK block: L minus the BOS slot. */
    public int blockContent() {
        return addBos ? length - 1 : length;
    }

    private static int firstKnown(OptionalInt fromTokenizer, int fromConfig) {
        return fromTokenizer.isPresent() ? fromTokenizer.getAsInt() : fromConfig;
    }
}
