package io.moelab.eval.task;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code process_docs: hellaswag}, lm-evaluation-harness's HellaSwag preprocessing (Zellers et al.,
 * 2019, "HellaSwag: Can a Machine Really Finish Your Sentence?"). Adds {@code query} =
 * clean(activity_label + ": " + ctx_a + " " + capitalize(ctx_b)), {@code choices} = the cleaned
 * endings and {@code gold} = int(label). Cleaning strips the text, turns the WikiHow marker
 * " [title]" into ". ", drops every other bracketed marker and replaces each double space by one.
 */
final class HellaSwagProcessor implements DocumentProcessor {
    private static final String NAME = "hellaswag";
    /** Non-greedy, so "[a] x [b]" loses the two markers and keeps x. */
    private static final Pattern BRACKETED = Pattern.compile("\\[.*?\\]");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> inputColumns() {
        return Set.of("activity_label", "ctx_a", "ctx_b", "endings", "label");
    }

    @Override
    public Set<String> outputColumns() {
        return Set.of("query", "choices", "gold");
    }

    @Override
    public Map<String, Object> process(Map<String, Object> fields) {
        String context = DocumentProcessor.string(fields, "ctx_a", NAME) + " "
                + PythonText.capitalize(DocumentProcessor.string(fields, "ctx_b", NAME));
        String query = clean(DocumentProcessor.string(fields, "activity_label", NAME) + ": " + context);
        List<String> choices = DocumentProcessor.strings(fields, "endings", NAME).stream()
                .map(HellaSwagProcessor::clean)
                .toList();
        return DocumentProcessor.extend(fields, Map.of("query", query, "choices", choices, "gold", gold(fields)));
    }

    /** int(label): the dataset stores the label as a string ("0".."3"); Parquet exports may hold an integer. */
    private static long gold(Map<String, Object> fields) {
        Object label = fields.get("label");
        if (Template.isIntegral(label)) {
            return ((Number) label).longValue();
        }
        String text = DocumentProcessor.string(fields, "label", NAME);
        try {
            return Long.parseLong(PythonText.strip(text));
        } catch (NumberFormatException e) {
            throw new DocumentException("process_docs " + NAME + ": column 'label' is '" + text
                    + "', expected an integer (the test split has no labels; evaluate validation)");
        }
    }

    static String clean(String text) {
        String out = PythonText.strip(text).replace(" [title]", ". ");
        out = BRACKETED.matcher(out).replaceAll("");
        return out.replace("  ", " ");
    }
}
