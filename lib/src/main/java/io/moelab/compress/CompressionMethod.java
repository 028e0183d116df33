package io.moelab.compress;

import java.util.Map;

/**
 * One expert-compression method of docs/METHODS.md §2, applied layer by layer. A method is a pure
 * function of the layer's weights and its calibration data; the pipeline's {@code ModelCompressor} walks the
 * layers and decides where the calibration inputs come from (original or progressively
 * compressed model).
 */
public interface CompressionMethod {

    /** The name the CLI and the tables use, e.g. {@code m-smoe}. */
    String name();

    /** The method's settings, recorded as JSON in {@code merge_plans.parameters} and in the model card. */
    Map<String, Object> parameters();

    /**
     * False for methods that keep every expert and change them in place (mixed-precision
     * quantisation): those ignore the target expert count.
     */
    default boolean reducesExperts() {
        return true;
    }

    CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context);
}
