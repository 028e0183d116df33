package io.moelab.eval.task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A prompt template: the subset of lm-evaluation-harness's Jinja that its multiple-choice,
 * perplexity and generation prompts use. A template is literal text with {@code {{ expr }}}
 * substitutions; there are no statements ({@code {% %}}), filters ({@code |}) or operators, and the
 * text is kept byte for byte (no whitespace control, trailing newlines kept). An expression is a
 * column followed by any chain of:
 * <ul>
 *   <li>{@code .name} — a field of a struct column ({@code choices.text});</li>
 *   <li>{@code [0]}, {@code [-1]} — an element of a list (negative counts from the end, as Python);</li>
 *   <li>{@code [expr]} — an element at the integer another expression yields ({@code choices[gold]});</li>
 *   <li>{@code .strip()}, {@code .lower()}, {@code .capitalize()} — Python's string methods;</li>
 *   <li>{@code .replace('old', 'new')} — Python's, with quoted literal arguments;</li>
 *   <li>{@code .index(expr)} — the position of a value in a list
 *       ({@code choices.label.index(answerKey)}).</li>
 * </ul>
 * A template that is exactly one substitution yields the value itself (a string, an integer, a
 * list); anything else yields text, with integers in decimal and booleans as {@code True} /
 * {@code False} as Jinja prints them. Lists, structs and missing values cannot be printed into text.
 */
final class Template implements Serializable {
    private static final Set<String> METHODS = Set.of("strip", "lower", "capitalize", "replace", "index");

    private final String source;
    private final String field;
    private final List<Object> parts;
    private final Set<String> columns;

    private Template(String source, String field, List<Object> parts, Set<String> columns) {
        this.source = source;
        this.field = field;
        this.parts = parts;
        this.columns = columns;
    }

    /**
     * @param field the task-file field the template comes from, for messages
     * @throws IllegalArgumentException with the reason when the template is not in the subset
     */
    static Template parse(String source, String field) {
        List<Object> parts = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        int at = 0;
        while (at < source.length()) {
            int open = source.indexOf("{{", at);
            int statement = source.indexOf("{%", at);
            if (statement >= 0 && (open < 0 || statement < open)) {
                throw new IllegalArgumentException("statements ({% ... %}) are not supported");
            }
            if (open < 0) {
                parts.add(source.substring(at));
                break;
            }
            if (open > at) {
                parts.add(source.substring(at, open));
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("'{{' at offset " + open + " is never closed with '}}'");
            }
            ExpressionParser parser = new ExpressionParser(source.substring(open + 2, close));
            Expression expression = parser.parseWhole();
            expression.collectColumns(columns);
            parts.add(expression);
            at = close + 2;
        }
        return new Template(source, field, List.copyOf(parts), Collections.unmodifiableSet(columns));
    }

    String source() {
        return source;
    }

    /** The document columns the template reads (the first name of every path). */
    Set<String> columns() {
        return columns;
    }

    /** The value of a single-substitution template, else the rendered text. */
    Object value(Map<String, Object> fields) {
        if (parts.size() == 1 && parts.get(0) instanceof Expression expression) {
            return expression.evaluate(fields, this);
        }
        return text(fields);
    }

    /** The rendered text; a single substitution must yield a string, number or boolean. */
    String text(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            out.append(
                    part instanceof Expression expression
                            ? printable(expression.evaluate(fields, this), expression)
                            : (String) part);
        }
        return out.toString();
    }

    private String printable(Object value, Expression expression) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        throw fail("{{" + expression.text + "}} is " + describe(value) + ", which cannot be printed as text");
    }

    DocumentException fail(String problem) {
        return new DocumentException(field + " '" + source + "': " + problem);
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List<?> list) {
            return "a list of " + list.size();
        }
        if (value instanceof Map<?, ?>) {
            return "a struct";
        }
        if (value instanceof String s) {
            return "the string '" + s + "'";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }

    static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** A parsed {@code {{ ... }}}: a column and a chain of steps. */
    private record Expression(String text, String column, List<Step> steps) implements Serializable {
        void collectColumns(Set<String> out) {
            out.add(column);
            for (Step step : steps) {
                step.collectColumns(out);
            }
        }

        Object evaluate(Map<String, Object> fields, Template template) {
            if (!fields.containsKey(column)) {
                throw template.fail("column '" + column + "' does not exist (columns: "
                        + String.join(", ", new TreeSet<>(fields.keySet())) + ")");
            }
            Object value = fields.get(column);
            String path = column;
            for (Step step : steps) {
                value = step.apply(value, path, fields, template);
                path = path + step.text();
            }
            if (value == null) {
                throw template.fail(path + " is null");
            }
            return value;
        }
    }

    private sealed interface Step extends Serializable {
        Object apply(Object value, String path, Map<String, Object> fields, Template template);

        String text();

        default void collectColumns(Set<String> out) {}
    }

    private record Field(String name) implements Step {
        @Override
        public Object apply(Object value, String path, Map<String, Object> fields, Template template) {
            if (!(value instanceof Map<?, ?> struct)) {
                throw template.fail(path + " is " + describe(value) + ", not a struct with field '" + name + "'");
            }
            if (!struct.containsKey(name)) {
                throw template.fail("column '" + path + "." + name + "' does not exist (fields of " + path + ": "
                        + String.join(
                                ", ",
                                new TreeSet<>(struct.keySet().stream()
                                        .map(String::valueOf)
                                        .toList())) + ")");
            }
            return struct.get(name);
        }

        @Override
        public String text() {
            return "." + name;
        }
    }

    private record Index(Expression position, int literal) implements Step {
        @Override
        public Object apply(Object value, String path, Map<String, Object> fields, Template template) {
            if (!(value instanceof List<?> list)) {
                throw template.fail(path + " is " + describe(value) + ", not a list to index");
            }
            long i;
            if (position == null) {
                i = literal;
            } else {
                Object at = position.evaluate(fields, template);
                if (!isIntegral(at)) {
                    throw template.fail("index " + position.text + " is " + describe(at) + ", not an integer");
                }
                i = ((Number) at).longValue();
            }
            long resolved = i < 0 ? list.size() + i : i;
            if (resolved < 0 || resolved >= list.size()) {
                throw template.fail(
                        path + text() + ": index " + i + " is out of range for " + list.size() + " elements");
            }
            return list.get((int) resolved);
        }

        @Override
        public String text() {
            return "[" + (position == null ? Integer.toString(literal) : position.text) + "]";
        }

        @Override
        public void collectColumns(Set<String> out) {
            if (position != null) {
                position.collectColumns(out);
            }
        }
    }

    private record Call(String method, List<Object> arguments) implements Step {
        @Override
        public Object apply(Object value, String path, Map<String, Object> fields, Template template) {
            if (method.equals("index")) {
                if (!(value instanceof List<?> list)) {
                    throw template.fail(path + " is " + describe(value) + ", not a list for index()");
                }
                Expression needle = (Expression) arguments.get(0);
                Object wanted = needle.evaluate(fields, template);
                int found = list.indexOf(wanted);
                if (found < 0) {
                    throw template.fail(needle.text + " = " + describe(wanted) + " is not in " + path + " " + list);
                }
                return (long) found;
            }
            if (!(value instanceof String s)) {
                throw template.fail(path + " is " + describe(value) + ", not a string for " + method + "()");
            }
            return switch (method) {
                case "strip" -> PythonText.strip(s);
                case "lower" -> PythonText.lower(s);
                case "capitalize" -> PythonText.capitalize(s);
                case "replace" -> s.replace((String) arguments.get(0), (String) arguments.get(1));
                default -> throw new IllegalStateException(method);
            };
        }

        @Override
        public String text() {
            List<String> args = arguments.stream()
                    .map(a -> a instanceof Expression e ? e.text : "'" + a + "'")
                    .toList();
            return "." + method + "(" + String.join(", ", args) + ")";
        }

        @Override
        public void collectColumns(Set<String> out) {
            for (Object argument : arguments) {
                if (argument instanceof Expression e) {
                    e.collectColumns(out);
                }
            }
        }
    }

    /** Recursive descent over one {@code {{ ... }}}'s text. */
    private static final class ExpressionParser {
        private final String text;
        private int at;

        ExpressionParser(String text) {
            this.text = text;
        }

        Expression parseWhole() {
            Expression expression = expression();
            skipSpaces();
            if (at != text.length()) {
                throw error("unexpected '" + text.substring(at).strip() + "'");
            }
            return expression;
        }

        private Expression expression() {
            skipSpaces();
            int start = at;
            String column = identifier();
            List<Step> steps = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (peek('.')) {
                    at++;
                    skipSpaces();
                    String name = identifier();
                    skipSpaces();
                    steps.add(peek('(') ? call(name) : new Field(name));
                } else if (peek('[')) {
                    at++;
                    steps.add(index());
                } else {
                    break;
                }
            }
            return new Expression(text.substring(start, at).strip(), column, List.copyOf(steps));
        }

        private Step index() {
            skipSpaces();
            Step step;
            if (at < text.length() && (text.charAt(at) == '-' || Character.isDigit(text.charAt(at)))) {
                step = new Index(null, integer());
            } else {
                step = new Index(expression(), 0);
            }
            skipSpaces();
            expect(']');
            return step;
        }

        private Step call(String method) {
            if (!METHODS.contains(method)) {
                throw error("unknown method '" + method + "()' (supported: capitalize, index, lower, replace, strip)");
            }
            expect('(');
            List<Object> arguments = new ArrayList<>();
            skipSpaces();
            while (!peek(')')) {
                if (!arguments.isEmpty()) {
                    expect(',');
                    skipSpaces();
                }
                arguments.add(peek('\'') || peek('"') ? quoted() : expression());
                skipSpaces();
            }
            expect(')');
            int expected = switch (method) {
                case "index" -> 1;
                case "replace" -> 2;
                default -> 0;
            };
            if (arguments.size() != expected) {
                throw error(method + "() takes " + expected + " argument(s), got " + arguments.size());
            }
            boolean stringArguments = method.equals("replace");
            for (Object argument : arguments) {
                if (stringArguments != argument instanceof String) {
                    throw error(method + "() takes " + (stringArguments ? "quoted strings" : "a column path"));
                }
            }
            return new Call(method, List.copyOf(arguments));
        }

        private String quoted() {
            char quote = text.charAt(at++);
            int end = text.indexOf(quote, at);
            if (end < 0) {
                throw error("unterminated string");
            }
            String value = text.substring(at, end);
            at = end + 1;
            return value;
        }

        private int integer() {
            int start = at;
            if (peek('-')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            try {
                return Integer.parseInt(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("bad index '" + text.substring(start, at) + "'");
            }
        }

        private String identifier() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at || Character.isDigit(text.charAt(start))) {
                throw error(
                        at < text.length()
                                ? "expected a name at '" + text.substring(start) + "'"
                                : "expected a name at the end");
            }
            return text.substring(start, at);
        }

        private void expect(char c) {
            skipSpaces();
            if (!peek(c)) {
                throw error("expected '" + c + "'"
                        + (at < text.length() ? " at '" + text.substring(at) + "'" : " at the end"));
            }
            at++;
        }

        private boolean peek(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        private void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("{{" + text + "}}: " + problem);
        }
    }
}
