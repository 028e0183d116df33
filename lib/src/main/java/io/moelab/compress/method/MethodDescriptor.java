package io.moelab.compress.method;

import io.moelab.compress.CompressionMethod;
import java.util.List;

/**
 * A compression method as {@link CompressionMethodRegistry} knows it: the name the CLI and the
 * tables use, the parameters it reads, and how to build it from their values.
 *
 * @param name       the method's {@link CompressionMethod#name()}, e.g. {@code mc-smoe}
 * @param parameters the parameters the method reads from {@link ParameterValues}; empty for methods without knobs
 * @param factory    builds the method
 */
public record MethodDescriptor(String name, List<MethodParameter<?>> parameters, Factory factory) {

    public MethodDescriptor {
        parameters = List.copyOf(parameters);
    }

    /** Builds a method from the parsed parameter values and the run's shared inputs. */
    @FunctionalInterface
    public interface Factory {
        CompressionMethod create(ParameterValues values, MethodContext context);
    }

    /** The method built from {@code values} (defaults where absent) and {@code context}. */
    public CompressionMethod create(ParameterValues values, MethodContext context) {
        return factory.create(values, context);
    }
}
