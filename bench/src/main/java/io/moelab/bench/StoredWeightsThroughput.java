package io.moelab.bench;

import io.moelab.model.ForwardOptions;
import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.model.MoeModel;
import io.moelab.model.WeightPrecision;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BF16-held weights ({@link WeightPrecision#STORED}) against float32-held ones
 * ({@link WeightPrecision#FLOAT32}) on the forward benchmark's model (ForwardThroughput's config,
 * random weights written as a BF16 checkpoint), both loaded in one JVM, their forwards
 * alternating run by run. Checks that both give the same logits, then prints one JSON line per
 * precision and forward-thread count: tokens/s, the weights' bytes, and the time one pass of
 * widening every matrix of the model takes (BF16 → float32, as {@code MatrixOps} does before a
 * product), measured alone, and one greedy decode step of the batch.
 *
 * <p>Args: timed runs per mode (default 5), forward thread counts (default {@code 1,2}).
 */
public final class StoredWeightsThroughput {

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] threadModes = Arrays.stream((args.length > 1 ? args[1] : "1,2").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        Path dir = RandomMixtralCheckpoint.write(
                ForwardThroughput.CONFIG, DType.BF16, Files.createTempDirectory("moelab-stored-bench"));
        MoeModel stored = MoeModel.load(dir, WeightPrecision.STORED);
        MoeModel widened = MoeModel.load(dir, WeightPrecision.FLOAT32);
        int[][] sequences = ForwardThroughput.randomSequences(stored.config().vocabSize());
        TokenBatch batch = TokenBatch.of(sequences);
        requireSameLogits(stored, widened, batch);
        MoeModel[] models = {widened, stored};
        String[] names = {"float32", "stored-bf16"};
        double[][][] seconds = new double[threadModes.length][models.length][runs];
        for (int t = 0; t < threadModes.length; t++) {
            ForwardOptions options =
                    ForwardOptions.builder().threads(threadModes[t]).build();
            for (MoeModel model : models) {
                model.forward(batch, options); // warm-up
            }
            for (int r = 0; r < runs; r++) {
                for (int m = 0; m < models.length; m++) {
                    long start = System.nanoTime();
                    models[m].forward(batch, options);
                    seconds[t][m][r] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        double widenSeconds = widenEveryMatrixSeconds(dir);
        double[] decodeSeconds = {decodeStepSeconds(widened, sequences), decodeStepSeconds(stored, sequences)};
        for (int t = 0; t < threadModes.length; t++) {
            double baseline = ForwardThroughput.median(seconds[t][0]);
            for (int m = 0; m < models.length; m++) {
                double median = ForwardThroughput.median(seconds[t][m]);
                System.out.printf(
                        Locale.ROOT,
                        "{\"weights\":\"%s\",\"forward_threads\":%d,\"tokens\":%d,\"median_s\":%.4f,"
                                + "\"tokens_per_s\":%.1f,\"throughput_vs_float32\":%.3f,\"weight_bytes\":%d,"
                                + "\"widen_all_matrices_s\":%.4f,\"decode_step_s\":%.4f,\"runs_s\":%s}%n",
                        names[m],
                        threadModes[t],
                        batch.totalTokens(),
                        median,
                        batch.totalTokens() / median,
                        baseline / median,
                        models[m].weightBytes(),
                        m == 1 ? widenSeconds : 0.0,
                        decodeSeconds[m],
                        Arrays.toString(seconds[t][m]));
            }
        }
    }

    /**
     * Median seconds of one greedy decode step of the whole batch (one new token per sequence, KV
     * cache of a 64-token prompt, the last row's logits only): the case where widening a whole
     * matrix serves a single row of gemm.
     */
    private static double decodeStepSeconds(MoeModel model, int[][] sequences) {
        int[][] prompts = new int[sequences.length][];
        int[] lastRows = new int[sequences.length];
        for (int s = 0; s < sequences.length; s++) {
            prompts[s] = Arrays.copyOf(sequences[s], 64);
            lastRows[s] = s * 64 + 63;
        }
        KvCache cache = new KvCache(model.config(), sequences.length);
        model.forward(
                TokenBatch.of(prompts),
                ForwardOptions.builder().kvCache(cache).logitRows(lastRows).build());
        int[] stepRows = new int[sequences.length];
        Arrays.setAll(stepRows, s -> s);
        double[] seconds = new double[9];
        for (int step = 0; step < seconds.length; step++) {
            int[][] next = new int[sequences.length][];
            for (int s = 0; s < sequences.length; s++) {
                next[s] = new int[] {sequences[s][64 + step]};
            }
            long start = System.nanoTime();
            model.forward(
                    TokenBatch.of(next),
                    ForwardOptions.builder().kvCache(cache).logitRows(stepRows).build());
            seconds[step] = (System.nanoTime() - start) / 1e9;
        }
        return ForwardThroughput.median(seconds);
    }

    private static void requireSameLogits(MoeModel a, MoeModel b, TokenBatch batch) {
        ForwardResult x = a.forward(batch, ForwardOptions.builder().build());
        ForwardResult y = b.forward(batch, ForwardOptions.builder().build());
        for (int s = 0; s < batch.size(); s++) {
            if (!Arrays.deepEquals(x.logitsOf(s), y.logitsOf(s))) {
                throw new IllegalStateException("BF16-held and float32-held logits differ in sequence " + s);
            }
        }
    }

    /** One BF16 → float32 pass over every 2-D tensor but the embedding, median of 5, single thread. */
    private static double widenEveryMatrixSeconds(Path dir) {
        List<INDArray> matrices = new ArrayList<>();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            for (String name : checkpoint.tensorNames()) {
                TensorInfo info = checkpoint.info(name);
                if (info.shape().length == 2 && !name.equals("model.embed_tokens.weight")) {
                    matrices.add(Nd4j.rand(DataType.FLOAT, info.shape()).castTo(DataType.BFLOAT16));
                }
            }
        }
        long largest = matrices.stream().mapToLong(INDArray::length).max().orElse(0);
        INDArray buffer = Nd4j.createUninitialized(DataType.FLOAT, largest);
        double[] seconds = new double[5];
        for (int r = 0; r < seconds.length; r++) {
            long start = System.nanoTime();
            for (INDArray matrix : matrices) {
                buffer.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, matrix.length()))
                        .reshape(matrix.shape())
                        .assign(matrix);
            }
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        return ForwardThroughput.median(seconds);
    }
}
