package io.moelab.compress.method;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressionMethod;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compression methods by CLI name and the parameters they declare, merged into one set of
 * flags: methods may share a parameter (MC-SMoE and Sub-MoE read one {@code --rank}) when they
 * declare it identically. Not thread-safe: register at start-up, before a command line is built.
 */
public final class CompressionMethodRegistry {
    private final Map<String, MethodDescriptor> methods = new LinkedHashMap<>();
    private final Map<String, MethodParameter<?>> parameters = new LinkedHashMap<>();

    /** A new registry with moelab's methods, in the order the CLI lists them. */
    public static CompressionMethodRegistry builtIn() {
        CompressionMethodRegistry registry = new CompressionMethodRegistry();
        List.of(
                        FrequencyPruning.DESCRIPTOR,
                        RandomPruning.DESCRIPTOR,
                        ReconstructionPruning.DESCRIPTOR,
                        UniformAveraging.DESCRIPTOR,
                        MSmoe.DESCRIPTOR,
                        McSmoe.DESCRIPTOR,
                        SubMoe.DESCRIPTOR,
                        Dern.DESCRIPTOR,
                        MixedPrecisionExperts.DESCRIPTOR)
                .forEach(registry::register);
        return registry;
    }

    /**
     * Adds {@code method}. Refuses (IllegalArgumentException, nothing added) a name already
     * registered, or a parameter whose name a registered method declares differently.
     */
    public void register(MethodDescriptor method) {
        if (methods.containsKey(method.name())) {
            throw new IllegalArgumentException("compression method '" + method.name() + "' is registered twice");
        }
        for (MethodParameter<?> parameter : method.parameters()) {
            MethodParameter<?> registered = parameters.get(parameter.name());
            if (registered != null && !registered.equals(parameter)) {
                throw new IllegalArgumentException("compression method '" + method.name() + "' declares --"
                        + parameter.name() + " as " + parameter + ", another method as " + registered);
            }
        }
        methods.put(method.name(), method);
        method.parameters().forEach(parameter -> parameters.putIfAbsent(parameter.name(), parameter));
    }

    /** The method names, in registration order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(methods.keySet());
    }

    /** Every registered method's parameters, each once, in registration order. */
    public Collection<MethodParameter<?>> parameters() {
        return Collections.unmodifiableCollection(parameters.values());
    }

    /** Builds method {@code name}; an unknown name is bad input (MoelabInputException) naming the known ones. */
    public CompressionMethod create(String name, ParameterValues values, MethodContext context) {
        MethodDescriptor method = methods.get(name);
        if (method == null) {
            throw new MoelabInputException("--method: unknown compression method '" + name + "'; known: "
                    + String.join(", ", methods.keySet()));
        }
        return method.create(values, context);
    }
}
