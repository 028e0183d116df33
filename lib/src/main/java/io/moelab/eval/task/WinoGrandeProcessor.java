package io.moelab.eval.task;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code process_docs: winogrande}, lm-evaluation-harness's partial scoring for WinoGrande
 * (Sakaguchi et al., 2019; Trinh &amp; Le, 2018): each option replaces the blank and the model scores
 * the shared rest of the sentence after each. Adds {@code contexts} = [sentence before "_" +
 * option1, sentence before "_" + option2], {@code continuation} = the sentence after "_", stripped,
 * and {@code gold} = 0 for answer "1", 1 for "2". A task reads them as a multiple-input task:
 * {@code doc_to_text: "{{gold}}"}, {@code doc_to_choice: "{{contexts}}"},
 * {@code doc_to_target: "{{continuation}}"}.
 */
final class WinoGrandeProcessor implements DocumentProcessor {
    private static final String NAME = "winogrande";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> inputColumns() {
        return Set.of("sentence", "option1", "option2", "answer");
    }

    @Override
    public Set<String> outputColumns() {
        return Set.of("contexts", "continuation", "gold");
    }

    @Override
    public Map<String, Object> process(Map<String, Object> fields) {
        String sentence = DocumentProcessor.string(fields, "sentence", NAME);
        int blank = sentence.indexOf('_');
        if (blank < 0) {
            throw new DocumentException("process_docs " + NAME + ": column 'sentence' has no blank '_': " + sentence);
        }
        String before = sentence.substring(0, blank);
        List<String> contexts = List.of(
                before + DocumentProcessor.string(fields, "option1", NAME),
                before + DocumentProcessor.string(fields, "option2", NAME));
        String continuation = PythonText.strip(sentence.substring(blank + 1));
        String answer = DocumentProcessor.string(fields, "answer", NAME);
        long gold = switch (answer) {
            case "1" -> 0L;
            case "2" -> 1L;
            default ->
                throw new DocumentException("process_docs " + NAME + ": column 'answer' is '" + answer
                        + "', expected \"1\" or \"2\" (the test split has no answers; evaluate validation)");
        };
        return DocumentProcessor.extend(
                fields, Map.of("contexts", contexts, "continuation", continuation, "gold", gold));
    }
}
