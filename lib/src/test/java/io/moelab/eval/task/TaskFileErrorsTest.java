package io.moelab.eval.task;

import static io.moelab.eval.task.TaskFiles.doc;
import static io.moelab.eval.task.TaskFiles.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad task files and bad documents, each with its own message naming the file or task, document and field. */
class TaskFileErrorsTest {
    private static final String[] MC = {
        "task: t",
        "dataset: {data_files: {test: t.jsonl}}",
        "test_split: test",
        "output_type: multiple_choice",
        "doc_to_text: '{{q}}'",
        "doc_to_choice: '{{options}}'",
        "doc_to_target: '{{gold}}'"
    };

    private static String[] with(String... more) {
        String[] lines = new String[MC.length + more.length];
        System.arraycopy(MC, 0, lines, 0, MC.length);
        System.arraycopy(more, 0, lines, MC.length, more.length);
        return lines;
    }

    private static String fileError(String... lines) {
        return assertThrows(MoelabInputException.class, () -> yaml(lines)).getMessage();
    }

    private static String documentError(TaskDefinition task, TaskDocument doc) {
        return assertThrows(MoelabInputException.class, () -> task.instance(doc, List.of()))
                .getMessage();
    }

    @Test
    void unknownFieldsAreNamedWithTheValidOnes() {
        String top = fileError(with("num_fewshots: 3"));
        assertTrue(
                top.startsWith("t.yaml: unknown field 'num_fewshots' (valid: byte_count, dataset, description, "), top);
        assertEquals(
                "t.yaml: unknown field 'dataset.data_file' (valid: data_files, format)",
                fileError("task: t", "output_type: multiple_choice", "dataset: {data_file: {test: x}}"));
        assertEquals(
                "t.yaml: unknown field 'generation_kwargs.do_sample' (valid: max_gen_toks, until)",
                fileError(
                        "task: t",
                        "dataset: {data_files: {test: t.jsonl}}",
                        "test_split: test",
                        "output_type: generate_until",
                        "doc_to_text: x",
                        "doc_to_target: y",
                        "generation_kwargs: {do_sample: false}"));
    }

    @Test
    void unknownOutputTypeAndProcessorAreNamed() {
        String[] lines = with();
        lines[3] = "output_type: multiple_choise";
        assertEquals(
                "t.yaml: field 'output_type': unknown output type 'multiple_choise' "
                        + "(valid: multiple_choice, loglikelihood_rolling, generate_until)",
                fileError(lines));
        assertEquals(
                "t.yaml: field 'process_docs': unknown processor 'hellaswog' (built-in: hellaswag, wikitext, winogrande)",
                fileError(with("process_docs: hellaswog")));
    }

    @Test
    void badTemplatesAreRefusedWhenTheFileIsRead() {
        String[] unclosed = with();
        unclosed[4] = "doc_to_text: 'Q: {{q'";
        assertEquals(
                "t.yaml: field 'doc_to_text': bad template: '{{' at offset 3 is never closed with '}}'",
                fileError(unclosed));
        String[] method = with();
        method[6] = "doc_to_target: '{{ label.split() }}'";
        assertEquals(
                "t.yaml: field 'doc_to_target': bad template: {{ label.split() }}: unknown method 'split()' "
                        + "(supported: capitalize, index, lower, replace, strip)",
                fileError(method));
        String[] statement = with();
        statement[4] = "doc_to_text: '{% if q %}{{q}}{% endif %}'";
        assertEquals(
                "t.yaml: field 'doc_to_text': bad template: statements ({% ... %}) are not supported",
                fileError(statement));
    }

    @Test
    void fieldsMustFitTheOutputTypeAndTheSplits() {
        assertEquals(
                "t.yaml: field 'rolling_windows': does not apply to output_type multiple_choice",
                fileError(with("rolling_windows: {strategy: disjoint}")));
        assertEquals(
                "t.yaml: field 'fewshot_split': split 'train' is not in dataset.data_files (splits: test)",
                fileError(with("fewshot_split: train")));
        assertEquals("t.yaml: field 'num_fewshot': 2 examples need a fewshot_split", fileError(with("num_fewshot: 2")));
        String[] noSplit = with();
        noSplit[2] = "id_column: id";
        assertEquals("t.yaml: field 'test_split': missing: give test_split or validation_split", fileError(noSplit));
        assertEquals(
                "t.yaml: field 'doc_to_choice[0]': expected a string, got boolean false (quote it)",
                fileError(
                        "task: t",
                        "dataset: {data_files: {test: t.jsonl}}",
                        "test_split: test",
                        "output_type: multiple_choice",
                        "doc_to_text: x",
                        "doc_to_choice: [no, yes]",
                        "doc_to_target: '{{l}}'"));
        assertEquals(
                "t.yaml: field 'metric_list[0].metric': unknown metric 'f1' for multiple_choice (valid: acc, acc_norm)",
                fileError(with("metric_list: [{metric: f1}]")));
        assertTrue(fileError(with("target_delimiter: [")).startsWith("t.yaml: not valid YAML: "));
    }

    @Test
    void badRegularExpressionsAreNamed() {
        String error = fileError(
                "task: t",
                "dataset: {data_files: {test: t.jsonl}}",
                "test_split: test",
                "output_type: generate_until",
                "doc_to_text: x",
                "doc_to_target: y",
                "filter_list: [{name: f, filter: [{function: regex, regex_pattern: '(unclosed'}]}]");
        assertTrue(
                error.startsWith(
                        "t.yaml: field 'filter_list[0].filter[0].regex_pattern': bad regular expression '(unclosed': "),
                error);
    }

    @Test
    void aMissingColumnNamesTaskDocumentFieldAndTheColumnsThereAre() {
        TaskDefinition task = yaml(MC);
        assertEquals(
                "task t, document d7: doc_to_text '{{q}}': column 'q' does not exist (columns: gold, options, question)",
                documentError(task, doc("d7", "question", "?", "options", List.of("a"), "gold", 0L)));
        TaskDefinition arc = TaskFiles.published("arc_easy");
        assertEquals(
                "task arc_easy, document x: doc_to_target '{{choices.label.index(answerKey)}}': "
                        + "answerKey = the string 'E' is not in choices.label [A, B]",
                documentError(
                        arc,
                        doc(
                                "x",
                                "question",
                                "?",
                                "answerKey",
                                "E",
                                "choices",
                                Map.of("text", List.of("a", "b"), "label", List.of("A", "B")))));
    }

    @Test
    void goldOutOfRangeAndEmptyChoicesAreRefusedPerDocument() {
        TaskDefinition task = yaml(MC);
        assertEquals(
                "task t, document d1: doc_to_target: gold index 3 is out of range for 2 choices [a, b]",
                documentError(task, doc("d1", "q", "?", "options", List.of("a", "b"), "gold", 3L)));
        assertEquals(
                "task t, document d2: doc_to_choice: the document has no choices",
                documentError(task, doc("d2", "q", "?", "options", List.of(), "gold", 0L)));
        assertEquals(
                "task t, document d3: doc_to_target '{{gold}}': 'c' is not one of the choices [a, b]",
                documentError(task, doc("d3", "q", "?", "options", List.of("a", "b"), "gold", "c")));
        assertEquals(
                "task t, document d4: doc_to_choice '{{options}}': yields the string 'a', expected a list of choices",
                documentError(task, doc("d4", "q", "?", "options", "a", "gold", 0L)));
    }

    @Test
    void processorsNameTheColumnTheyCannotUse() {
        assertEquals(
                "task hellaswag, document h: process_docs hellaswag: column 'label' is '', expected an integer "
                        + "(the test split has no labels; evaluate validation)",
                documentError(
                        TaskFiles.published("hellaswag"),
                        doc(
                                "h",
                                "activity_label",
                                "a",
                                "ctx_a",
                                "b",
                                "ctx_b",
                                "c",
                                "endings",
                                List.of("d"),
                                "label",
                                "")));
        assertEquals(
                "task winogrande, document w: process_docs winogrande: column 'sentence' has no blank '_': no blank",
                documentError(
                        TaskFiles.published("winogrande"),
                        doc("w", "sentence", "no blank", "option1", "a", "option2", "b", "answer", "1")));
    }

    @Test
    void tooSmallAFewShotPoolIsNamed() {
        TaskDefinition task = yaml(
                "task: t",
                "dataset: {data_files: {test: t.jsonl, train: r.jsonl}}",
                "test_split: test",
                "fewshot_split: train",
                "num_fewshot: 2",
                "output_type: generate_until",
                "doc_to_text: '{{q}}'",
                "doc_to_target: '{{a}}'");
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> task.instance(
                        doc("d", "q", "?", "a", "!"),
                        List.of(doc("d", "q", "?", "a", "!"), doc("e", "q", "?", "a", "!"))));
        assertEquals(
                "task t, document d: num_fewshot 2 but fewshot split 'train' has only 1 other documents",
                e.getMessage());
    }
}
