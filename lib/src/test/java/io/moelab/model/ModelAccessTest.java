package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.ExpertBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What observers and statistics read from a model: layer inputs, expert outputs, router weights. */
class ModelAccessTest {

    @Test
    void observedExpertOutputsEqualRunningTheExpertOnTheLayerInput() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("mixtral"));
        List<LayerRouting> seen = new ArrayList<>();
        RoutingObserver observer = new RoutingObserver() {
            @Override
            public void onMoeLayer(LayerRouting routing) {
                seen.add(routing);
            }

            @Override
            public boolean wantsExpertOutputs() {
                return true;
            }
        };
        model.forward(
                TokenBatch.of(new int[] {1, 200, 33, 7, 9}),
                ForwardOptions.builder().observe(observer).build());
        int hidden = model.config().hiddenSize();
        for (LayerRouting routing : seen) {
            assertEquals(5 * hidden, routing.input().length);
            for (ExpertBatch batch : routing.experts()) {
                float[] rows = new float[batch.tokens().length * hidden];
                for (int i = 0; i < batch.tokens().length; i++) {
                    System.arraycopy(routing.input(), batch.tokens()[i] * hidden, rows, i * hidden, hidden);
                }
                INDArray direct = model.runExpert(
                        routing.layer(), batch.expert(), MatrixOps.matrix(rows, batch.tokens().length, hidden));
                assertArrayEquals(MatrixOps.toFloats(direct), MatrixOps.toFloats(batch.output()), 1e-6f);
            }
        }
        assertEquals(2, seen.size());
    }

    @Test
    void routerWeightsAreTheCheckpointRows() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        try (Checkpoint checkpoint = Checkpoint.open(SharedFixtures.hf("qwen2_moe"))) {
            assertArrayEquals(checkpoint.floats("model.layers.1.mlp.gate.weight", 8, 64), model.routerWeights(1));
        }
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> model.routerWeights(5));
        assertTrue(e.getMessage().contains("MoE layers: [0, 1]"), e.getMessage());
    }
}
