package io.moelab.compress.pipeline;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.LayerCalibration;
import io.moelab.model.checkpoint.DType;
import io.moelab.moe.MoeConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a {@link CompressionMethod} to every MoE layer, in layer order. Calibration inputs come
 * from the original model ({@link Inputs#LAYER_WISE}) or from the model with the earlier layers
 * already compressed, routed exactly ({@link Inputs#PROGRESSIVE}), as NAEE defines the two.
 * Selection counts come from a statistics run when given, else from the calibration forward.
 */
public final class ModelCompressor {

    public enum Inputs {
        LAYER_WISE,
        PROGRESSIVE
    }

    /** The compressed layers, and NAEE's dynamic-skipping β per MoE layer (NaN where undefined). */
    public record Result(Map<Integer, CompressedLayer> layers, Map<Integer, Double> skipBetas) {}

    private final CompressionMethod method;
    private final int targetExperts;
    private final Inputs inputs;

    public ModelCompressor(CompressionMethod method, int targetExperts, Inputs inputs) {
        this.method = method;
        this.targetExperts = targetExperts;
        this.inputs = inputs;
    }

    /**
     * @param statsSelections top-k selection counts per MoE layer from a routing_stats run, or null
     *                        to count them on the calibration sequences
     */
    public Result compress(ModelTensors model, List<int[]> calibration, Map<Integer, long[]> statsSelections) {
        MoeConfig config = model.config();
        int[] moeLayers = config.layers().moeLayerIndices();
        CompressionContext context = new CompressionContext(
                config,
                method.reducesExperts() ? targetExperts : config.experts().numExperts());
        if (method.reducesExperts()) {
            context.requireFewerThan(config.experts().numExperts());
        }
        if (calibration.isEmpty()) {
            throw new MoelabInputException("no calibration sequences: compression needs calibration data");
        }
        Map<Integer, CompressedLayer> done = new TreeMap<>();
        Map<Integer, Double> betas = new TreeMap<>();
        Map<Integer, LayerCalibration> original =
                inputs == Inputs.LAYER_WISE ? CalibrationInputs.collect(model.model(), calibration, moeLayers) : null;
        for (int layer : moeLayers) {
            LayerCalibration observed = original != null
                    ? original.get(layer)
                    : CalibrationInputs.collect(
                                    new CompressedModel(model, done, ExportForm.EXACT_ROUTER, DType.F32).model(),
                                    calibration,
                                    layer)
                            .get(layer);
            long[] selections = statsSelections != null ? statsSelections.get(layer) : observed.selections();
            if (selections == null || selections.length != config.experts().numExperts()) {
                throw new MoelabInputException("routing statistics for layer " + layer + " have "
                        + (selections == null ? "no rows" : selections.length + " experts") + "; the model has "
                        + config.experts().numExperts());
            }
            LayerCalibration layerCalibration =
                    new LayerCalibration(selections, observed.inputs(), observed.tokens(), observed.hidden());
            CompressedLayer compressed = method.compress(model.moeLayer(layer), layerCalibration, context);
            done.put(layer, compressed);
            betas.put(layer, DynamicSkipThresholds.beta(compressed, layerCalibration, config));
        }
        return new Result(done, betas);
    }
}
