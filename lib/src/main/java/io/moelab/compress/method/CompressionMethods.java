package io.moelab.compress.method;

import io.moelab.compress.CompressionMethod;

import io.moelab.MoelabInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The methods by CLI name. */
public final class CompressionMethods {
    private static final Map<String, Function<MethodSettings, CompressionMethod>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("frequency", settings -> new FrequencyPruning());
        METHODS.put("random", settings -> new RandomPruning(settings.seed()));
        METHODS.put("naee", settings -> new ReconstructionPruning(settings.naeeBatchTokens()));
        METHODS.put("uniform", settings -> new UniformAveraging());
        METHODS.put("m-smoe", settings -> new MSmoe());
        METHODS.put("mc-smoe", settings -> new McSmoe(settings.rank(), settings.sparseShare()));
        METHODS.put("sub-moe", settings -> new SubMoe(settings.clustering(), settings.seed(), settings.rank()));
        METHODS.put("dern", settings -> new Dern());
        METHODS.put("mixed-precision", settings -> new MixedPrecisionExperts(settings.averageBits()));
    }

    private CompressionMethods() {
    }

    public static CompressionMethod create(String name, MethodSettings settings) {
        Function<MethodSettings, CompressionMethod> factory = METHODS.get(name);
        if (factory == null) {
            throw new MoelabInputException("--method: unknown compression method '" + name + "'; known: "
                    + String.join(", ", METHODS.keySet()));
        }
        return factory.apply(settings);
    }

    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(METHODS.keySet());
    }
}
