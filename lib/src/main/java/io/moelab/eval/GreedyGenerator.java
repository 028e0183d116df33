package io.moelab.eval;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.GenerationInstance;
import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.policy.ContrastiveDecoding;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Greedy decoding with a KV cache: the prompt in one forward call, then one token per call, until
 * EOS, the token cap, or a stop string in the decoded text (cut at the earliest one).
 *
 * <p>With two runners it decodes by SCMoE's self-contrast (Shi et al., "Unchosen Experts Can
 * Contribute Too: Unleashing MoE Models' Power by Self-Contrast", NeurIPS 2024): the same model
 * under a strong and a weak routing policy, each with its own cache, and the next token is the
 * argmax of {@code (1+β)·z_strong − β·z_weak} over the tokens whose strong probability is at least
 * {@code α} times the strong maximum.
 */
final class GreedyGenerator {
    private final List<ForwardRunner> runners;
    private final double alpha;
    private final double beta;
    private final Tokenizer tokenizer;
    private final SpecialTokens specialTokens;
    private final boolean addBos;

    private GreedyGenerator(
            List<ForwardRunner> runners,
            double alpha,
            double beta,
            Tokenizer tokenizer,
            SpecialTokens specialTokens,
            boolean addBos) {
        this.runners = runners;
        this.alpha = alpha;
        this.beta = beta;
        this.tokenizer = tokenizer;
        this.specialTokens = specialTokens;
        this.addBos = addBos;
    }

    static GreedyGenerator greedy(
            ForwardRunner runner, Tokenizer tokenizer, SpecialTokens specialTokens, boolean addBos) {
        return new GreedyGenerator(List.of(runner), 0, 0, tokenizer, specialTokens, addBos);
    }

    static GreedyGenerator selfContrast(
            ForwardRunner strong,
            ForwardRunner weak,
            double alpha,
            double beta,
            Tokenizer tokenizer,
            SpecialTokens specialTokens,
            boolean addBos) {
        return new GreedyGenerator(List.of(strong, weak), alpha, beta, tokenizer, specialTokens, addBos);
    }

    /** The generated text after the context, without EOS and cut before the earliest stop string. */
    String generate(GenerationInstance instance) {
        int maxPositions = runners.get(0).model().config().attention().maxPositions();
        if (instance.maxNewTokens() < 1 || instance.maxNewTokens() >= maxPositions) {
            throw new MoelabInputException(instance.documentId() + ": max_gen_toks is " + instance.maxNewTokens()
                    + "; it must be at least 1 and leave room for the context in the model's " + maxPositions
                    + " positions");
        }
        int[] prompt = prompt(instance.context(), maxPositions - instance.maxNewTokens());
        KvCache[] caches = new KvCache[runners.size()];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = new KvCache(runners.get(i).model().config(), 1);
        }
        OptionalInt eos = specialTokens.eos();
        int[] generated = new int[instance.maxNewTokens()];
        int count = 0;
        int[] input = prompt;
        while (count < generated.length) {
            int next = nextToken(input, caches);
            if (eos.isPresent() && next == eos.getAsInt()) {
                break;
            }
            generated[count++] = next;
            String text = tokenizer.decode(Arrays.copyOf(generated, count));
            int stop = earliestStop(text, instance.until());
            if (stop >= 0) {
                return text.substring(0, stop);
            }
            input = new int[] {next};
        }
        return tokenizer.decode(Arrays.copyOf(generated, count));
    }

    /** BOS (when asked) and the context, keeping the last {@code room} tokens as lm-eval does. */
    private int[] prompt(String context, int room) {
        int[] contextTokens = tokenizer.encode(context);
        int[] prompt;
        if (addBos && specialTokens.bos().isPresent()) {
            prompt = new int[contextTokens.length + 1];
            prompt[0] = specialTokens.bos().getAsInt();
            System.arraycopy(contextTokens, 0, prompt, 1, contextTokens.length);
        } else {
            prompt = contextTokens.length > 0 ? contextTokens : new int[] {specialTokens.prefixToken()};
        }
        return prompt.length > room ? Arrays.copyOfRange(prompt, prompt.length - room, prompt.length) : prompt;
    }

    private int nextToken(int[] input, KvCache[] caches) {
        float[][] lastRows = new float[runners.size()][];
        for (int i = 0; i < lastRows.length; i++) {
            ForwardResult result =
                    runners.get(i).forward(TokenBatch.of(input), caches[i], new int[] {input.length - 1});
            LogitRows rows = new LogitRows(result);
            lastRows[i] = rows.row(input.length - 1, new float[rows.vocab()]);
        }
        if (lastRows.length == 1) {
            return LogitRows.argmax(lastRows[0]);
        }
        return ContrastiveDecoding.argmax(ContrastiveDecoding.scores(lastRows[0], lastRows[1], alpha, beta));
    }

    /**
     * Index of the earliest occurrence of any stop string in {@code text}, or −1. Empty stop
     * strings are ignored, as lm-eval's {@code if len(term) > 0} does.
     */
    private static int earliestStop(String text, List<String> until) {
        int earliest = -1;
        for (String stop : until) {
            if (stop.isEmpty()) {
                continue;
            }
            int at = text.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }
}
