package io.moelab.bench;

import io.moelab.compress.ExpertWeights;
import io.moelab.compress.linalg.JointSvd;
import io.moelab.compress.linalg.LinearAssignment;
import io.moelab.compress.method.NeuronAlignment;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How neuron alignment (M-SMoE) and the joint SVD merge (Sub-MoE) scale with expert width, up to
 * Mixtral-8x7B's expert shape (intermediate 14,336, hidden 4,096), on random weights with Mixtral's
 * init scale (normal, std 0.02).
 *
 * <p>Per width, ascending: (1) alignment of two independent experts, split into the profit matrix
 * (three sgemm) and the assignment; (2) the same for a planted pair — the member is the leader with
 * its neurons shuffled plus noise at 10% of the weights' scale — checking that the shuffle is
 * recovered exactly; (3) the joint SVD merge of a 4-expert cluster at half of full rank with
 * frequency weights 0.4/0.3/0.2/0.1, for gate ([intermediate × hidden]; up has the same shape and
 * cost, so it is not run) and down ([hidden × intermediate]). With the first width it also times ND4J's
 * {@code gesvd} on the gate concatenation, the SVD route not taken. Peak resident memory is the
 * process's VmHWM after the width (widths ascend, so it is that width's peak).
 *
 * <p>Prints one JSON line per width and a last one with the fitted exponents of time ~ width^k
 * (least squares on logs). Args: widths (comma-separated, default 1792,3584,7168,14336), hidden
 * (default 4096).
 */
public final class CompressLinalgScaling {
    private static final double INIT_STD = 0.02;
    private static final double[] FREQUENCIES = {0.4, 0.3, 0.2, 0.1};

    private record Alignment(
            double profit,
            double assignment,
            double plantedProfit,
            double plantedAssignment,
            boolean plantedRecovered) {}

    private record Svd(int gateRank, double gate, double gateError, int downRank, double down, double downError) {}

    public static void main(String[] args) throws IOException {
        int[] widths = Arrays.stream((args.length > 0 ? args[0] : "1792,3584,7168,14336").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        String[] phases = {
            "profit_s", "assignment_s", "planted_profit_s", "planted_assignment_s", "svd_gate_s", "svd_down_s"
        };
        double[][] seconds = new double[phases.length][widths.length];
        // Loads the native libraries and warms the JIT, so that the first width is not charged for it.
        SplittableRandom warmUp = new SplittableRandom(0);
        benchAlignment(64, 64, warmUp);
        List<float[]> warmUpCluster = new ArrayList<>();
        for (int e = 0; e < FREQUENCIES.length; e++) {
            warmUpCluster.add(gaussian(64 * 64, INIT_STD, warmUp));
        }
        benchJointSvd(warmUpCluster, warmUpCluster, 64, 64);
        for (int w = 0; w < widths.length; w++) {
            int width = widths[w];
            SplittableRandom random = new SplittableRandom(width);
            Alignment alignment = benchAlignment(width, hidden, random);
            List<float[]> gates = new ArrayList<>();
            List<float[]> downs = new ArrayList<>();
            for (int e = 0; e < FREQUENCIES.length; e++) {
                gates.add(gaussian(width * hidden, INIT_STD, random));
                downs.add(gaussian(hidden * width, INIT_STD, random));
            }
            Svd svd = benchJointSvd(gates, downs, width, hidden);
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT,
                    "{\"width\":%d,\"hidden\":%d,\"planted_recovered\":%b,\"svd_gate_rank\":%d,\"svd_gate_rel_error\":%.4f,"
                            + "\"svd_down_rank\":%d,\"svd_down_rel_error\":%.4f,\"svd_expert_s\":%.1f",
                    width,
                    hidden,
                    alignment.plantedRecovered(),
                    svd.gateRank(),
                    svd.gateError(),
                    svd.downRank(),
                    svd.downError(),
                    2 * svd.gate() + svd.down()));
            if (w == 0) {
                line.append(String.format(
                        Locale.ROOT, ",\"nd4j_gesvd_gate_concat_s\":%.1f", timeNd4jGesvd(gates, width, hidden)));
            }
            double[] measured = {
                alignment.profit(),
                alignment.assignment(),
                alignment.plantedProfit(),
                alignment.plantedAssignment(),
                svd.gate(),
                svd.down()
            };
            for (int p = 0; p < phases.length; p++) {
                seconds[p][w] = measured[p];
                line.append(String.format(Locale.ROOT, ",\"%s\":%.2f", phases[p], measured[p]));
            }
            line.append(String.format(Locale.ROOT, ",\"peak_rss_gb\":%.2f}", peakResidentGigabytes()));
            System.out.println(line);
        }
        if (widths.length > 1) {
            StringBuilder fit = new StringBuilder("{\"exponents\":{");
            for (int p = 0; p < phases.length; p++) {
                fit.append(String.format(
                        Locale.ROOT,
                        "%s\"%s\":%.2f",
                        p == 0 ? "" : ",",
                        phases[p].replace("_s", ""),
                        logLogSlope(widths, seconds[p])));
            }
            System.out.println(fit.append("}}"));
        }
    }

    private static Alignment benchAlignment(int width, int hidden, SplittableRandom random) {
        ExpertWeights leader = randomExpert(hidden, width, INIT_STD, random);
        double[] independent = timeAlignment(leader, randomExpert(hidden, width, INIT_STD, random), null);
        int[] shuffle = shuffled(width, random);
        ExpertWeights planted = withNoise(leader.permuteNeurons(shuffle), 0.1 * INIT_STD, random);
        double[] plantedTimes = timeAlignment(leader, planted, inverse(shuffle));
        return new Alignment(independent[0], independent[1], plantedTimes[0], plantedTimes[1], plantedTimes[2] == 1);
    }

    /** Up has gate's shape, so its time is gate's: the expert's total is 2·gate + down. */
    private static Svd benchJointSvd(List<float[]> gates, List<float[]> downs, int width, int hidden) {
        int gateRank = JointSvd.fullRank(gates.size(), width, hidden) / 2;
        int downRank = JointSvd.fullRank(downs.size(), hidden, width) / 2;
        double[] gate = timeJointSvd(gates, width, hidden, gateRank);
        double[] down = timeJointSvd(downs, hidden, width, downRank);
        return new Svd(gateRank, gate[0], gate[1], downRank, down[0], down[1]);
    }

    /** {profit seconds, assignment seconds, 1 if the expected permutation came out (else 0)}. */
    private static double[] timeAlignment(ExpertWeights leader, ExpertWeights member, int[] expected) {
        long start = System.nanoTime();
        float[] profit = NeuronAlignment.profit(leader, member);
        long profitDone = System.nanoTime();
        int[] permutation = LinearAssignment.maximize(profit, leader.intermediate());
        long done = System.nanoTime();
        return new double[] {
            (profitDone - start) / 1e9,
            (done - profitDone) / 1e9,
            expected != null && Arrays.equals(expected, permutation) ? 1 : 0
        };
    }

    /** {seconds, relative reconstruction error}. */
    private static double[] timeJointSvd(List<float[]> matrices, int rows, int cols, int rank) {
        long start = System.nanoTime();
        JointSvd.Result result = JointSvd.merge(matrices, rows, cols, FREQUENCIES, rank);
        return new double[] {(System.nanoTime() - start) / 1e9, result.relativeError()};
    }

    /** The route not taken: ND4J's LAPACK gesvd (left singular vectors only) on [W_1 … W_k]. */
    private static double timeNd4jGesvd(List<float[]> matrices, int rows, int cols) {
        INDArray concatenation =
                Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, (long) matrices.size() * cols}, 'c');
        FloatBuffer buffer = concatenation.data().asNioFloat();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < matrices.size(); i++) {
                buffer.put(r * matrices.size() * cols + i * cols, matrices.get(i), r * cols, cols);
            }
        }
        INDArray singularValues = Nd4j.createUninitialized(DataType.FLOAT, rows);
        INDArray left = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, rows}, 'c');
        long start = System.nanoTime();
        Nd4j.getBlasWrapper().lapack().gesvd(concatenation, singularValues, left, null);
        return (System.nanoTime() - start) / 1e9;
    }

    private static ExpertWeights randomExpert(int hidden, int neurons, double std, SplittableRandom random) {
        return new ExpertWeights(
                hidden,
                neurons,
                gaussian(hidden * neurons, std, random),
                gaussian(hidden * neurons, std, random),
                gaussian(hidden * neurons, std, random));
    }

    private static ExpertWeights withNoise(ExpertWeights expert, double std, SplittableRandom random) {
        float[][] noisy = {
            expert.gate().clone(), expert.up().clone(), expert.down().clone()
        };
        for (float[] matrix : noisy) {
            for (int i = 0; i < matrix.length; i++) {
                matrix[i] += (float) (std * random.nextGaussian());
            }
        }
        return new ExpertWeights(expert.hidden(), expert.intermediate(), noisy[0], noisy[1], noisy[2]);
    }

    private static float[] gaussian(int length, double std, SplittableRandom random) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (std * random.nextGaussian());
        }
        return out;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        List<Integer> permutation =
                new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(permutation, new Random(random.nextLong()));
        return permutation.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] inverse(int[] permutation) {
        int[] inverse = new int[permutation.length];
        for (int i = 0; i < permutation.length; i++) {
            inverse[permutation[i]] = i;
        }
        return inverse;
    }

    private static double logLogSlope(int[] widths, double[] seconds) {
        int n = widths.length;
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += Math.log(widths[i]) / n;
            meanY += Math.log(seconds[i]) / n;
        }
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(widths[i]) - meanX;
            covariance += dx * (Math.log(seconds[i]) - meanY);
            variance += dx * dx;
        }
        return covariance / variance;
    }

    /** VmHWM: the process's peak resident set so far, heap and native buffers alike. */
    private static double peakResidentGigabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0;
            }
        }
        return Double.NaN;
    }
}
