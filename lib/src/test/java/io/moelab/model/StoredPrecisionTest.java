package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingRecorder;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightPrecision#STORED} holds the bundled BF16 model's matrices in BF16 and still
 * computes exactly what float32-held weights compute, on one thread and split over threads.
 */
class StoredPrecisionTest {
    private static final Path BUNDLED = Path.of("").toAbsolutePath().getParent().resolve("models/trained-moe");
    private static MoeModel stored;
    private static MoeModel widened;

    @BeforeAll
    static void load() {
        stored = MoeModel.load(BUNDLED, WeightPrecision.STORED);
        widened = MoeModel.load(BUNDLED, WeightPrecision.FLOAT32);
    }

    @Test
    void matricesStayInTheirStoredDtypeAndVectorsAreFloat32() {
        long storedBytes = 0;
        long float32Bytes = 0;
        try (Checkpoint checkpoint = Checkpoint.open(BUNDLED)) {
            for (String name : checkpoint.tensorNames()) {
                TensorInfo info = checkpoint.info(name);
                assertEquals(DType.BF16, info.dtype(), name);
                boolean matrix = info.shape().length == 2 && !name.equals("model.embed_tokens.weight");
                storedBytes += matrix ? info.byteLength() : 4 * info.numel();
                float32Bytes += 4 * info.numel();
            }
        }
        assertEquals(storedBytes, stored.weightBytes(), "BF16 matrices, float32 vectors and embedding");
        assertEquals(float32Bytes, widened.weightBytes(), "everything widened at load");
    }

    @Test
    void logitsAndRoutingAreBitIdenticalToFloat32HeldWeights() {
        TokenBatch batch = TokenBatch.of(new int[] {2, 73, 110, 101, 32, 99}, new int[] {2, 65, 66}, new int[] {2, 9});
        RoutingRecorder storedRouting = new RoutingRecorder();
        RoutingRecorder widenedRouting = new RoutingRecorder();
        ForwardResult a = stored.forward(
                batch, ForwardOptions.builder().observe(storedRouting).build());
        ForwardResult b = widened.forward(
                batch, ForwardOptions.builder().observe(widenedRouting).build());
        for (int s = 0; s < batch.size(); s++) {
            float[][] x = a.logitsOf(s);
            float[][] y = b.logitsOf(s);
            for (int row = 0; row < x.length; row++) {
                assertArrayEquals(y[row], x[row], 0f, "sequence " + s + " row " + row);
            }
        }
        assertEquals(widenedRouting.layers().size(), storedRouting.layers().size());
        for (int l = 0; l < storedRouting.layers().size(); l++) {
            assertArrayEquals(
                    widenedRouting.layers().get(l).routerLogits(),
                    storedRouting.layers().get(l).routerLogits(),
                    0f,
                    "router logits of MoE layer " + l);
        }
    }

    @Test
    void eachThreadOfASplitForwardWidensIntoItsOwnBuffer() {
        TokenBatch batch = TokenBatch.of(
                new int[] {2, 73, 110, 101, 32, 99, 100, 101}, new int[] {2, 65, 66, 67, 68}, new int[] {2, 9, 10, 11});
        ForwardResult split =
                stored.forward(batch, ForwardOptions.builder().threads(3).build());
        ForwardResult reference =
                widened.forward(batch, ForwardOptions.builder().threads(3).build());
        for (int s = 0; s < batch.size(); s++) {
            float[][] x = split.logitsOf(s);
            float[][] y = reference.logitsOf(s);
            for (int row = 0; row < x.length; row++) {
                assertArrayEquals(y[row], x[row], 0f, "sequence " + s + " row " + row);
            }
        }
    }
}
