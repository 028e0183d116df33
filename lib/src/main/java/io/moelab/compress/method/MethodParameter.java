package io.moelab.compress.method;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One knob of a compression method, as a command line offers it: {@code --<name>} with a value of
 * {@code type}, {@code defaultValue} when not given. Two methods that declare the same parameter
 * (equal records) share one flag.
 *
 * @param name         the flag without its dashes, lower case words joined by '-', e.g. {@code sparse-share}
 * @param type         the value's class (a boxed primitive such as {@code Integer} or {@code Double})
 * @param defaultValue the value when the flag is not given; an instance of {@code type}
 * @param description  the help text, saying the default
 * @param <T>          the value's type
 */
public record MethodParameter<T>(String name, Class<T> type, T defaultValue, String description) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern DASHED_LETTER = Pattern.compile("-([a-z0-9])");

    public MethodParameter {
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name + "' is not lower-case words joined by '-'");
        }
        if (!type.isInstance(defaultValue)) {
            throw new IllegalArgumentException(
                    "parameter " + name + ": default " + defaultValue + " is not a " + type.getSimpleName());
        }
    }

    /** A parameter name in camelCase ({@code sparse-share} → {@code sparseShare}), as help labels and runs.config spell it. */
    public static String camelCase(String name) {
        return DASHED_LETTER.matcher(name).replaceAll(letter -> letter.group(1).toUpperCase());
    }
}
