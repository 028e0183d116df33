package io.moelab.eval.task;

import static io.moelab.eval.task.TaskFiles.doc;
import static io.moelab.eval.task.TaskFiles.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FewShotTest {
    private static List<TaskDocument> pool(int n) {
        List<TaskDocument> pool = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pool.add(doc("p" + i, "q", "q" + i, "options", List.of("a" + i, "b" + i), "gold", (long) (i % 2)));
        }
        return pool;
    }

    private static List<String> ids(List<TaskDocument> docs) {
        return docs.stream().map(TaskDocument::id).toList();
    }

    @Test
    void theSameSeedPicksTheSameShotsWhateverThePoolOrder() {
        List<TaskDocument> pool = pool(50);
        TaskDocument doc = doc("d", "q", "?");
        List<String> first = ids(FewShotSampler.sample(pool, doc, 5, 1234, "train"));
        List<TaskDocument> shuffled = new ArrayList<>(pool);
        Collections.shuffle(shuffled, new Random(7));
        assertEquals(
                first, ids(FewShotSampler.sample(shuffled, doc, 5, 1234, "train")), "partition- and order-independent");
        assertEquals(first, ids(FewShotSampler.sample(shuffled.subList(0, 50), doc, 5, 1234, "train")));
        assertNotEquals(first, ids(FewShotSampler.sample(pool, doc, 5, 99, "train")), "another seed, other shots");
        assertNotEquals(
                first,
                ids(FewShotSampler.sample(pool, doc("e", "q", "?"), 5, 1234, "train")),
                "each document draws its own shots");
    }

    @Test
    void theDocumentItselfIsNeverItsOwnExample() {
        List<TaskDocument> pool = pool(6);
        for (TaskDocument doc : pool) {
            List<String> shots = ids(FewShotSampler.sample(pool, doc, 5, 1234, "test"));
            assertEquals(5, shots.size());
            assertFalse(shots.contains(doc.id()), doc.id());
        }
    }

    @Test
    void examplesFollowTheDescriptionAndPrecedeTheDocumentAsTheHarnessJoinsThem() {
        TaskDefinition task = yaml(
                "task: t",
                "dataset: {data_files: {test: t.jsonl, train: r.jsonl}}",
                "test_split: test",
                "fewshot_split: train",
                "num_fewshot: 2",
                "fewshot_config: {seed: 5}",
                "output_type: multiple_choice",
                "description: \"About {{topic}}.\\n\\n\"",
                "doc_to_text: \"Q: {{q}}\\nA:\"",
                "doc_to_choice: '{{options}}'",
                "doc_to_target: '{{gold}}'");
        List<TaskDocument> pool = pool(10);
        TaskDocument doc = doc("d", "topic", "letters", "q", "which?", "options", List.of("x", "y"), "gold", 1L);
        List<TaskDocument> shots = FewShotSampler.sample(pool, doc, 2, 5, "train");
        String examples = "";
        for (TaskDocument shot : shots) {
            int gold = ((Number) shot.fields().get("gold")).intValue();
            examples += "Q: " + shot.fields().get("q") + "\nA: "
                    + ((List<?>) shot.fields().get("options")).get(gold) + "\n\n";
        }
        MultipleChoiceInstance mc = (MultipleChoiceInstance) task.instance(doc, pool);
        assertEquals(
                List.of(
                        "About letters.\n\n" + examples + "Q: which?\nA:",
                        "About letters.\n\n" + examples + "Q: which?\nA:"),
                mc.contexts());
        assertEquals(List.of(" x", " y"), mc.continuations());
        assertEquals(5, task.fewshotSeed());
        assertEquals(mc, task.instance(doc, pool), "deterministic");
    }

    @Test
    void multipleInputExamplesShowTheGoldContextAndTheContinuation() {
        TaskDefinition task = yaml(
                "task: w",
                "dataset: {data_files: {validation: v.jsonl, train: r.jsonl}}",
                "validation_split: validation",
                "fewshot_split: train",
                "num_fewshot: 1",
                "output_type: multiple_choice",
                "process_docs: winogrande",
                "doc_to_text: '{{gold}}'",
                "doc_to_choice: '{{contexts}}'",
                "doc_to_target: '{{continuation}}'");
        TaskDocument shot = doc(
                "s",
                "sentence",
                "The cup fit in the box because _ was small.",
                "option1",
                "the box",
                "option2",
                "the cup",
                "answer",
                "2");
        TaskDocument doc = doc(
                "d",
                "sentence",
                "Ann thanked Bea because _ had helped.",
                "option1",
                "Ann",
                "option2",
                "Bea",
                "answer",
                "2");
        MultipleChoiceInstance mc = (MultipleChoiceInstance) task.instance(doc, List.of(shot));
        String example = "The cup fit in the box because the cup was small.\n\n";
        assertEquals(
                List.of(example + "Ann thanked Bea because Ann", example + "Ann thanked Bea because Bea"),
                mc.contexts());
        assertEquals(List.of(" had helped.", " had helped."), mc.continuations());
        assertEquals(1, mc.gold());
    }
}
