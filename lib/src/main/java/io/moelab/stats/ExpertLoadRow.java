package io.moelab.stats;

/**
 * Row of table {@code routing_stats}: one expert of one layer. Optional statistics that were not
 * gathered are NaN (and {@code maxAbsDim} −1).
 *
 * @param layer               decoder layer index
 * @param tokens              tokens that selected the expert
 * @param top1Tokens          tokens whose first choice it was
 * @param gateMass            Σ of its gates
 * @param probMass            Σ of its router probabilities over all tokens
 * @param frequency           tokens / Σ tokens over the layer's experts (MC-SMoE's f_e)
 * @param zeroActivationShare share of its activation entries with |a| below the threshold (HoME)
 * @param outputNormMean      mean L2 norm of its down_proj output per token it computed
 * @param maxAbsOutput        max |down_proj output| (Super Experts)
 * @param maxAbsDim           hidden dimension of that maximum
 */
public record ExpertLoadRow(
        int layer,
        int expert,
        long tokens,
        long top1Tokens,
        double gateMass,
        double probMass,
        double frequency,
        double zeroActivationShare,
        double outputNormMean,
        double maxAbsOutput,
        int maxAbsDim) {}
