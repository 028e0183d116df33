package io.moelab.routing.policy;

import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pieces every policy spec is made of ({@code name:key=value,key=value}, decimals, integers)
 * and the errors that quote the spec. Numbers are written back canonically so that one policy
 * always has one spec string.
 */
final class SpecSyntax {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private SpecSyntax() {}

    /** A spec that cannot be parsed: quotes it, says what is wrong and lists the valid forms. */
    static MoelabInputException malformed(String spec, String what) {
        return new MoelabInputException("routing policy '" + spec + "': " + what + "; " + PolicySpecs.validForms());
    }

    /** A well-formed spec that does not fit the model: quotes it and says what the model has. */
    static MoelabInputException unfit(String spec, String what) {
        return new MoelabInputException("routing policy '" + spec + "': " + what);
    }

    /** A count parameter ({@code k=}, {@code r=}, {@code max=}) must not exceed the model's experts. */
    static void requireAtMostExperts(String spec, String parameter, int value, MoeConfig config) {
        if (value > config.experts().numExperts()) {
            throw unfit(
                    spec,
                    parameter + "=" + value + " exceeds the model's "
                            + config.experts().numExperts() + " experts");
        }
    }

    /**
     * Parses {@code key=value,key=value}; every key must be in {@code required} or {@code optional},
     * each at most once, and every required key present. Values keep their text.
     */
    static Map<String, String> parameters(String spec, String body, List<String> required, List<String> optional) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!body.isEmpty()) {
            for (String piece : body.split(",", -1)) {
                int eq = piece.indexOf('=');
                if (eq <= 0) {
                    throw malformed(spec, "'" + piece + "' is not key=value");
                }
                String key = piece.substring(0, eq);
                if (!required.contains(key) && !optional.contains(key)) {
                    throw malformed(
                            spec, "unknown parameter '" + key + "' (expected " + describe(required, optional) + ")");
                }
                if (values.put(key, piece.substring(eq + 1)) != null) {
                    throw malformed(spec, "parameter '" + key + "' given twice");
                }
            }
        }
        for (String key : required) {
            if (!values.containsKey(key)) {
                throw malformed(
                        spec, "missing parameter '" + key + "' (expected " + describe(required, optional) + ")");
            }
        }
        return values;
    }

    private static String describe(List<String> required, List<String> optional) {
        String names = String.join(", ", required);
        return optional.isEmpty()
                ? names
                : names + (names.isEmpty() ? "" : ", ") + "optional " + String.join(", ", optional);
    }

    /** The value of a body that is exactly {@code key=value}. */
    static String single(String spec, String body, String key) {
        return parameters(spec, body, List.of(key), List.of()).get(key);
    }

    /** A finite decimal such as {@code 0.4}, {@code -1.5}, {@code 1e-3}. */
    static double decimal(String spec, String name, String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw malformed(spec, name + " '" + text + "' is not a decimal number");
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw malformed(spec, name + " '" + text + "' is out of range");
        }
        return value;
    }

    /** A whole number of at least {@code min}. */
    static int integer(String spec, String name, String text, int min) {
        long value = longInteger(spec, name, text);
        if (value < min || value > Integer.MAX_VALUE) {
            throw malformed(spec, name + " must be an integer of at least " + min + ", found '" + text + "'");
        }
        return (int) value;
    }

    static long longInteger(String spec, String name, String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw malformed(spec, name + " '" + text + "' is not an integer");
        }
        try {
            return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw malformed(spec, name + " '" + text + "' does not fit in 64 bits");
        }
    }

    /** The shortest decimal that reads back as {@code value}, without exponent or trailing zeros: 0.4, 2, 0.001. */
    static String canonical(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
