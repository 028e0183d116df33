package io.moelab.eval.task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How generate_until tasks turn a generation into an answer and compare it with the target, as
 * lm-evaluation-harness's {@code filter_list} (regex filters) and {@code exact_match} options do.
 * Each filter yields its own {@code exact_match,<filter>} metric.
 *
 * @param filters           named answer filters applied to the generation; none means the whole
 *                          generation, stripped, under the name {@code none}
 * @param ignoreCase        lower-case both sides before comparing
 * @param ignorePunctuation remove ASCII punctuation from both sides
 * @param regexesToIgnore   removed from both sides, in order, before comparing
 */
public record AnswerExtraction(
        List<Filter> filters, boolean ignoreCase, boolean ignorePunctuation, List<String> regexesToIgnore)
        implements Serializable {

    /** The filter name when a task defines none. */
    public static final String NO_FILTER = "none";

    private static final String PUNCTUATION = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]";

    /**
     * {@code re.findall(regex, generation)[groupSelect]} as the harness's RegexFilter takes it: the
     * match, or its first group, or the first non-empty group when there are several; negative
     * {@code groupSelect} counts from the end; {@code fallback} when nothing matches.
     */
    public record Filter(String name, String regex, int groupSelect, String fallback) implements Serializable {
        public String apply(String generation) {
            Matcher m = Pattern.compile(regex).matcher(generation);
            List<String> found = new ArrayList<>();
            while (m.find()) {
                found.add(matchValue(m));
            }
            int index = groupSelect < 0 ? found.size() + groupSelect : groupSelect;
            if (index < 0 || index >= found.size()) {
                return fallback;
            }
            return found.get(index).strip();
        }

        private static String matchValue(Matcher m) {
            if (m.groupCount() == 0) {
                return m.group();
            }
            if (m.groupCount() == 1) {
                return m.group(1) == null ? "" : m.group(1);
            }
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null && !m.group(g).isEmpty()) {
                    return m.group(g);
                }
            }
            return "";
        }
    }

    public AnswerExtraction {
        filters = List.copyOf(filters);
        regexesToIgnore = List.copyOf(regexesToIgnore);
    }

    /** Names of the metrics' filters, in order. */
    public List<String> filterNames() {
        return filters.isEmpty()
                ? List.of(NO_FILTER)
                : filters.stream().map(Filter::name).toList();
    }

    /** The answer under filter {@code index} of {@link #filterNames()}. */
    public String extract(int index, String generation) {
        return filters.isEmpty() ? generation.strip() : filters.get(index).apply(generation);
    }

    /** Both sides as exact match compares them. */
    public String normalise(String s) {
        String out = s;
        for (String regex : regexesToIgnore) {
            out = Pattern.compile(regex).matcher(out).replaceAll("");
        }
        if (ignoreCase) {
            out = out.toLowerCase(Locale.ROOT);
        }
        if (ignorePunctuation) {
            out = out.replaceAll(PUNCTUATION, "");
        }
        return out;
    }

    public boolean exactMatch(String prediction, String target) {
        return normalise(prediction).equals(normalise(target));
    }
}
