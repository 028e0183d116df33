package io.moelab.routing.policy;

/**
 * {@code temperature:t=T}: divides router logits by T before the softmax (T &gt; 1 flattens the
 * router's distribution, T &lt; 1 sharpens it); the selection after it is unchanged.
 */
public final class RouterTemperature implements LogitTransform {
    private static final long serialVersionUID = 1L;
    private final double temperature;

    public RouterTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, was " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public void apply(int layer, float[] logits, int tokens, int numExperts) {
        float t = (float) temperature;
        for (int i = 0; i < tokens * numExperts; i++) {
            logits[i] /= t;
        }
    }

    @Override
    public String spec() {
        return "temperature:t=" + SpecSyntax.canonical(temperature);
    }
}
