package io.moelab.stats;

/**
 * An expert flagged as a super expert (Super Experts in MoE LLMs): its max |down_proj output|
 * exceeds the configured multiple of the layer's median max.
 *
 * @param ratio maxAbsOutput / layerMedianMax
 */
public record SuperExpert(
        int layer, int expert, double maxAbsOutput, int maxAbsDim, double layerMedianMax, double ratio) {}
