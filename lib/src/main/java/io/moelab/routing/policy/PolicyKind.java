package io.moelab.routing.policy;

import io.moelab.routing.ExpertSelection;

/**
 * One kind of routing policy a spec names ({@code topk}, {@code mask}, ...): the name before the
 * {@code :}, the form error messages list, and the parser of the text after the {@code :}. A kind
 * is either a {@link Stage}, which rewrites router logits and may only come before the selector
 * of a {@code |} composition, or a {@link Selector}, which chooses the experts. The parsed
 * policy's {@code spec()} writes it back canonically, so a parser and that {@code spec()} live in
 * the same class. Kinds are registered in {@link PolicyRegistry}.
 */
public sealed interface PolicyKind permits PolicyKind.Stage, PolicyKind.Selector {
    /** What a spec starts with, e.g. {@code topk}. */
    String name();

    /** How a spec of this kind is written, for error messages, e.g. {@code topk:k=K}. */
    String form();

    /**
     * Parses a spec's body, the text after {@code name:} (empty when the spec has no {@code :}).
     *
     * @param <T> what the body describes
     */
    @FunctionalInterface
    interface BodyParser<T> {
        /**
         * @param spec the whole spec, for error messages to quote
         * @throws io.moelab.MoelabInputException quoting {@code spec} when the body is malformed
         */
        T parse(String spec, String body);
    }

    /** A logit stage of a composition: mask, bias, temperature. */
    record Stage(String name, String form, BodyParser<? extends LogitTransform> parser) implements PolicyKind {
        public Stage {
            requireName(name);
        }
    }

    /** A policy that chooses the experts: alone, or last in a composition. */
    record Selector(String name, String form, BodyParser<? extends ExpertSelection> parser) implements PolicyKind {
        public Selector {
            requireName(name);
        }
    }

    /** Lower-case letters, digits, {@code _} and {@code -}, so that a name never holds the grammar's {@code : , = |}. */
    private static void requireName(String name) {
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException(
                    "policy name '" + name + "' is not a lower-case letter then [a-z0-9_-]*");
        }
    }
}
