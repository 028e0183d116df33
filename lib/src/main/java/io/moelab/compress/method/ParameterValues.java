package io.moelab.compress.method;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values of method parameters by parameter name, as a command line parsed them; serializable, so
 * a job config can carry them. A parameter without a value here has its default.
 *
 * @param values value by {@link MethodParameter#name()}, in the order given
 */
public record ParameterValues(Map<String, Object> values) implements Serializable {

    public ParameterValues {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No values: every parameter has its default. */
    public static ParameterValues defaults() {
        return new ParameterValues(Map.of());
    }

    /** The value of {@code parameter}, or its default when none was given. */
    public <T> T get(MethodParameter<T> parameter) {
        Object value = values.get(parameter.name());
        return value == null ? parameter.defaultValue() : parameter.type().cast(value);
    }
}
