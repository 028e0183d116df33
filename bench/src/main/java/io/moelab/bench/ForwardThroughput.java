package io.moelab.bench;

import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward throughput of the runtime on the bench config (Mixtral, vocab 32000, hidden
 * 512, expert width 1408, 4 layers, 8/8 heads, 8 experts top-2, float32, random weights,
 * batch 8 × 256, no KV cache). BLAS threads come from OMP_NUM_THREADS, fixed at JVM start. The
 * second argument lists forward thread counts ({@link ForwardOptions.Builder#threads}: the batch
 * split by sequence over that many threads), e.g. {@code 1,2}; their timed runs alternate.
 * bench/run-forward.sh runs this beside PyTorch.
 *
 * <p>Prints one JSON line per mode: tokens/s (median of timed runs), the share of forward time spent in
 * expert matmuls (the same gemm shapes, with the routed token counts of the real run, timed alone
 * on as many threads as the forward uses), achieved GFLOP/s and the sgemm peak measured in the same
 * JVM (one product per forward thread, run concurrently).
 */
public final class ForwardThroughput {
    static final String CONFIG = """
            {"model_type": "mixtral", "vocab_size": 32000, "hidden_size": 512, "intermediate_size": 1408,
             "num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 8,
             "num_local_experts": 8, "num_experts_per_tok": 2, "rope_theta": 1000000.0,
             "rms_norm_eps": 1e-5, "max_position_embeddings": 4096, "torch_dtype": "float32"}""";
    private static final int BATCH = 8;
    private static final int LENGTH = 256;
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bench-gemm");
        thread.setDaemon(true);
        return thread;
    });

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] modes = args.length > 1
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1};
        MoeConfig config = MoeConfig.fromJson(CONFIG, "bench config");
        MoeModel model = MoeModel.randomlyInitialised(config, 0);
        TokenBatch batch = TokenBatch.of(randomSequences(config.vocabSize()));
        ExpertLoad load = new ExpertLoad();
        model.forward(batch, ForwardOptions.builder().observe(load).build());
        ForwardOptions[] options = new ForwardOptions[modes.length];
        for (int m = 0; m < modes.length; m++) {
            options[m] = ForwardOptions.builder().threads(modes[m]).build();
            model.forward(batch, options[m]);
        }
        // The modes alternate run by run, so that the machine's noise hits each alike.
        double[][] seconds = new double[modes.length][runs];
        for (int r = 0; r < runs; r++) {
            for (int m = 0; m < modes.length; m++) {
                long start = System.nanoTime();
                model.forward(batch, options[m]);
                seconds[m][r] = (System.nanoTime() - start) / 1e9;
            }
        }
        int tokens = batch.totalTokens();
        double flops = forwardFlops(config, load.tokensPerExpert, tokens);
        double firstMedian = median(seconds[0]);
        for (int m = 0; m < modes.length; m++) {
            double median = median(seconds[m]);
            double expertSeconds = expertMatmulSeconds(config, load.tokensPerExpert, modes[m]);
            double peak = sgemmPeakGflops(modes[m]);
            System.out.printf(
                    java.util.Locale.ROOT,
                    "{\"blas_threads\":%s,\"forward_threads\":%d,\"tokens\":%d,\"median_s\":%.4f,\"tokens_per_s\":%.1f,"
                            + "\"speedup_vs_first_mode\":%.3f,\"expert_matmul_share\":%.3f,\"forward_gflops\":%.1f,"
                            + "\"sgemm_peak_gflops\":%.1f,\"runs_s\":%s}%n",
                    System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                    modes[m],
                    tokens,
                    median,
                    tokens / median,
                    firstMedian / median,
                    expertSeconds / median,
                    flops / median / 1e9,
                    peak,
                    Arrays.toString(seconds[m]));
        }
    }

    /** Records how many tokens each expert of each layer got in the real forward. */
    private static final class ExpertLoad implements RoutingObserver {
        final List<int[]> tokensPerExpert = new ArrayList<>();

        @Override
        public void onMoeLayer(LayerRouting routing) {
            int[] counts = new int[routing.decision().numExperts()];
            for (int t = 0; t < routing.decision().tokens(); t++) {
                for (int s = 0; s < routing.decision().count(t); s++) {
                    counts[routing.decision().expert(t, s)]++;
                }
            }
            tokensPerExpert.add(counts);
        }
    }

    /**
     * The expert gemms of one forward (3 per expert per layer, at the routed token counts), timed
     * alone; with several forward threads, each thread runs its share of them at the same time.
     */
    private static double expertMatmulSeconds(MoeConfig config, List<int[]> tokensPerExpert, int threads) {
        int hidden = config.hiddenSize();
        int width = config.experts().expertIntermediate();
        INDArray gateWeight = Nd4j.rand(DataType.FLOAT, width, hidden);
        INDArray upWeight = Nd4j.rand(DataType.FLOAT, width, hidden);
        INDArray downWeight = Nd4j.rand(DataType.FLOAT, hidden, width);
        List<INDArray> inputs = new ArrayList<>();
        for (int[] layer : tokensPerExpert) {
            for (int n : layer) {
                if (n > 0) {
                    // Split over the threads as the forward splits its sequences.
                    for (int t = 0; t < threads; t++) {
                        int rows = n / threads + (t < n % threads ? 1 : 0);
                        if (rows > 0) {
                            inputs.add(Nd4j.rand(DataType.FLOAT, rows, hidden));
                        }
                    }
                }
            }
        }
        double[] seconds = new double[5];
        for (int r = 0; r < seconds.length; r++) {
            seconds[r] = concurrently(threads, thread -> {
                for (int i = thread; i < inputs.size(); i += threads) {
                    INDArray x = inputs.get(i);
                    long n = x.size(0);
                    INDArray gate = Nd4j.create(DataType.FLOAT, n, width);
                    INDArray up = Nd4j.create(DataType.FLOAT, n, width);
                    INDArray down = Nd4j.create(DataType.FLOAT, n, hidden);
                    Nd4j.matmul(x, gateWeight, gate, false, true, false);
                    Nd4j.matmul(x, upWeight, up, false, true, false);
                    Nd4j.matmul(gate, downWeight, down, false, true, false);
                }
            });
        }
        return median(seconds);
    }

    /**
     * Wall-clock seconds to run {@code body(0..threads-1)} at the same time, on the calling thread
     * and on kept pool threads (a fresh thread would time ND4J's per-thread set-up too).
     */
    private static double concurrently(int threads, IntConsumer body) {
        long start = System.nanoTime();
        List<Future<?>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int thread = t;
            others.add(POOL.submit(() -> body.accept(thread)));
        }
        body.accept(0);
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double forwardFlops(MoeConfig config, List<int[]> tokensPerExpert, int tokens) {
        double hidden = config.hiddenSize();
        double qkvo = 2
                * hidden
                * config.attention().headDim()
                * (2.0 * config.attention().numHeads()
                        + 2.0 * config.attention().numKvHeads());
        double attentionScores = 0;
        for (int i = 0; i < LENGTH; i++) {
            attentionScores +=
                    2.0 * 2 * config.attention().numHeads() * config.attention().headDim() * (i + 1);
        }
        attentionScores *= BATCH;
        double flops = 0;
        for (int[] layer : tokensPerExpert) {
            flops += tokens * (qkvo + 2 * hidden * config.experts().numExperts()) + attentionScores;
            for (int n : layer) {
                flops += 2.0 * n * 3 * hidden * config.experts().expertIntermediate();
            }
        }
        return flops + 2.0 * tokens * hidden * config.vocabSize();
    }

    /**
     * sgemm GFLOP/s on one of the forward's own shapes, [2048 × 512] · [512 × 1408], preallocated;
     * with several forward threads, each runs its own product at the same time and the rates add.
     */
    private static double sgemmPeakGflops(int threads) {
        INDArray[] a = new INDArray[threads];
        INDArray[] c = new INDArray[threads];
        for (int t = 0; t < threads; t++) {
            a[t] = Nd4j.rand(DataType.FLOAT, BATCH * LENGTH, 512);
            c[t] = Nd4j.create(DataType.FLOAT, BATCH * LENGTH, 1408);
        }
        INDArray b = Nd4j.rand(DataType.FLOAT, 1408, 512);
        double[] seconds = new double[7];
        for (int r = 0; r < seconds.length + 2; r++) {
            double elapsed = concurrently(threads, t -> {
                        for (int i = 0; i < 5; i++) {
                            Nd4j.matmul(a[t], b, c[t], false, true, false);
                        }
                    })
                    / 5;
            if (r >= 2) {
                seconds[r - 2] = elapsed;
            }
        }
        return threads * 2.0 * BATCH * LENGTH * 512 * 1408 / median(seconds) / 1e9;
    }

    /** The benchmark's batch: 8 sequences of 256 token ids drawn uniformly with seed 1. */
    static int[][] randomSequences(int vocabSize) {
        Random random = new Random(1);
        int[][] sequences = new int[BATCH][LENGTH];
        for (int[] sequence : sequences) {
            for (int i = 0; i < LENGTH; i++) {
                sequence[i] = random.nextInt(vocabSize);
            }
        }
        return sequences;
    }

    /** The upper median (the middle value of an odd count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
