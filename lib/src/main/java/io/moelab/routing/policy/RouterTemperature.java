package io.moelab.routing.policy;

/**
 * {@code temperature:t=T}: divides router logits by T before the softmax (T &gt; 1 flattens the
 * router's distribution, T &lt; 1 sharpens it); the selection after it is unchanged.
 */
public final class RouterTemperature implements LogitTransform {
    static final PolicyKind KIND = new PolicyKind.Stage("temperature", "temperature:t=T", RouterTemperature::parse);
    private static final long serialVersionUID = 1L;
    private final double temperature;

    public RouterTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, was " + temperature);
        }
        this.temperature = temperature;
    }

    /** The body {@code t=T}; errors quote {@code spec}. */
    static RouterTemperature parse(String spec, String body) {
        double t = SpecSyntax.decimal(spec, "t", SpecSyntax.single(spec, body, "t"));
        if (t <= 0) {
            throw SpecSyntax.malformed(spec, "temperature t must be positive, found " + SpecSyntax.canonical(t));
        }
        return new RouterTemperature(t);
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
