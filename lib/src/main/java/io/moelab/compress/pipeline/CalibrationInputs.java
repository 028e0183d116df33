package io.moelab.compress.pipeline;

import io.moelab.compress.LayerCalibration;
import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs calibration sequences through a model and keeps, for the MoE layers asked for, every
 * token's MoE-block input and each expert's top-k selection count under native routing.
 * Sequences run in fixed groups in the given order, so the rows are the same on every run.
 */
public final class CalibrationInputs {
    private static final int SEQUENCES_PER_FORWARD = 8;

    private CalibrationInputs() {}

    public static Map<Integer, LayerCalibration> collect(MoeModel model, List<int[]> sequences, int... layers) {
        int hidden = model.config().hiddenSize();
        int experts = model.config().experts().numExperts();
        Map<Integer, List<float[]>> inputs = new TreeMap<>();
        Map<Integer, long[]> selections = new TreeMap<>();
        for (int layer : layers) {
            inputs.put(layer, new ArrayList<>());
            selections.put(layer, new long[experts]);
        }
        RoutingObserver observer = routing -> record(routing, inputs, selections);
        for (int start = 0; start < sequences.size(); start += SEQUENCES_PER_FORWARD) {
            List<int[]> group = sequences.subList(start, Math.min(sequences.size(), start + SEQUENCES_PER_FORWARD));
            model.forward(
                    TokenBatch.of(group.toArray(int[][]::new)),
                    ForwardOptions.builder()
                            .observe(observer)
                            .stopAfterLastMoeLayer(true)
                            .build());
        }
        Map<Integer, LayerCalibration> result = new TreeMap<>();
        for (int layer : layers) {
            List<float[]> chunks = inputs.get(layer);
            int rows = chunks.stream().mapToInt(c -> c.length).sum() / hidden;
            float[] all = new float[rows * hidden];
            int offset = 0;
            for (float[] chunk : chunks) {
                System.arraycopy(chunk, 0, all, offset, chunk.length);
                offset += chunk.length;
            }
            result.put(layer, new LayerCalibration(selections.get(layer), all, rows, hidden));
        }
        return result;
    }

    private static void record(
            LayerRouting routing, Map<Integer, List<float[]>> inputs, Map<Integer, long[]> selections) {
        List<float[]> chunks = inputs.get(routing.layer());
        if (chunks == null) {
            return;
        }
        chunks.add(routing.input().clone());
        long[] counts = selections.get(routing.layer());
        for (int t = 0; t < routing.decision().tokens(); t++) {
            for (int s = 0; s < routing.decision().count(t); s++) {
                counts[routing.decision().expert(t, s)]++;
            }
        }
    }
}
