package io.moelab.eval;

import io.moelab.MoelabInputException;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.moe.MoeConfig;
import java.util.OptionalInt;

/** The model's BOS and EOS ids: the tokenizer's when it defines them, else the model config's. */
record SpecialTokens(OptionalInt bos, OptionalInt eos) {

    static SpecialTokens of(Tokenizer tokenizer, MoeConfig config) {
        return new SpecialTokens(
                either(tokenizer.bosId(), config.bosTokenId()), either(tokenizer.eosId(), config.eosTokenId()));
    }

    private static OptionalInt either(OptionalInt fromTokenizer, int fromConfig) {
        if (fromTokenizer.isPresent()) {
            return fromTokenizer;
        }
        return fromConfig >= 0 ? OptionalInt.of(fromConfig) : OptionalInt.empty();
    }

    /**
     * What an empty context and every rolling window start from: BOS, else EOS, as
     * lm-evaluation-harness's {@code prefix_token_id}.
     */
    int prefixToken() {
        if (bos.isPresent()) {
            return bos.getAsInt();
        }
        if (eos.isPresent()) {
            return eos.getAsInt();
        }
        throw new MoelabInputException("the model has no bos_token_id or eos_token_id (config.json or tokenizer): "
                + "an empty context and rolling windows need one to start from");
    }
}
