package io.moelab.routing;

/**
 * Which experts each token uses in one MoE layer, and with which gate. Tokens may use different
 * numbers of experts (top-p, masks), so the choice is stored ragged: token {@code t} uses slots
 * {@code start(t) .. start(t+1)-1}, in descending router probability.
 */
public final class RoutingDecision {
    private final int numExperts;
    private final int[] starts;
    private final int[] experts;
    private final float[] gates;
    private final float[] probabilities;

    /**
     * @param starts        length tokens+1, starts[0] = 0, non-decreasing
     * @param experts       the chosen expert of each slot
     * @param gates         the weight applied to that expert's output
     * @param probabilities router probabilities [tokens × numExperts] the policy derived its choice from
     */
    public RoutingDecision(int numExperts, int[] starts, int[] experts, float[] gates, float[] probabilities) {
        if (experts.length != gates.length || starts[starts.length - 1] != experts.length) {
            throw new IllegalArgumentException("slots disagree: starts end at " + starts[starts.length - 1]
                    + ", experts " + experts.length + ", gates " + gates.length);
        }
        this.numExperts = numExperts;
        this.starts = starts;
        this.experts = experts;
        this.gates = gates;
        this.probabilities = probabilities;
    }

    public int tokens() {
        return starts.length - 1;
    }

    public int numExperts() {
        return numExperts;
    }

    public int count(int token) {
        return starts[token + 1] - starts[token];
    }

    /** Expert in slot {@code slot} (0 = highest probability) of {@code token}. */
    public int expert(int token, int slot) {
        return experts[starts[token] + slot];
    }

    public float gate(int token, int slot) {
        return gates[starts[token] + slot];
    }

    public float probability(int token, int expert) {
        return probabilities[token * numExperts + expert];
    }

    public double meanExpertsPerToken() {
        return tokens() == 0 ? 0 : (double) experts.length / tokens();
    }
}
