package io.moelab.compress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.compress.pipeline.ModelTensors;
import io.moelab.model.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The bundled trained model and calibration sequences cut from the bundled calibration mix. */
public final class CompressionFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelTensors trained;

    private CompressionFixtures() {}

    public static Path projectRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    public static synchronized ModelTensors trainedModel() {
        if (trained == null) {
            trained = ModelTensors.load(projectRoot().resolve("models/trained-moe"));
        }
        return trained;
    }

    /** {@code count} sequences of BOS + {@code length} bytes, from consecutive calibration-mix documents. */
    public static List<int[]> calibrationSequences(int count, int length) {
        ByteTokenizer tokenizer = new ByteTokenizer();
        List<int[]> sequences = new ArrayList<>();
        try {
            for (String line :
                    Files.readAllLines(projectRoot().resolve("datasets/calibration-mix/calibration-mix.jsonl"))) {
                int[] bytes = tokenizer.encode(JSON.readTree(line).get("text").asText());
                if (bytes.length < length) {
                    continue;
                }
                int[] sequence = new int[length + 1];
                sequence[0] = trainedModel().config().bosTokenId();
                System.arraycopy(bytes, 0, sequence, 1, length);
                sequences.add(sequence);
                if (sequences.size() == count) {
                    return sequences;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(
                "calibration mix has fewer than " + count + " documents of " + length + " bytes");
    }

    public static float maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " and " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    public static int[] range(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    public static String describe(int[] values) {
        return Arrays.toString(values);
    }
}
