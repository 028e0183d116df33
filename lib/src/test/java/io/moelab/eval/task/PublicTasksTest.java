package io.moelab.eval.task;

import static io.moelab.eval.task.TaskFiles.choice;
import static io.moelab.eval.task.TaskFiles.doc;
import static io.moelab.eval.task.TaskFiles.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every public task on rows in its Hugging Face dataset's published schema, checked against the
 * requests lm-evaluation-harness builds for them.
 */
class PublicTasksTest {

    private static void assertSharedContext(
            MultipleChoiceInstance mc, String context, List<String> continuations, List<String> choices, int gold) {
        assertEquals(Collections.nCopies(choices.size(), context), mc.contexts());
        assertEquals(continuations, mc.continuations());
        assertEquals(choices, mc.choices());
        assertEquals(gold, mc.gold());
    }

    @Test
    void arcEasyAsksAQuestionAndFindsTheGoldByItsLabel() {
        TaskDefinition arc = published("arc_easy");
        List<String> texts = List.of(
                "Planetary density will decrease.",
                "Planetary years will become longer.",
                "Planetary days will become shorter.",
                "Planetary gravity will become stronger.");
        TaskDocument row = doc(
                "Mercury_7175875",
                "id",
                "Mercury_7175875",
                "question",
                "An astronomer observes that a planet rotates faster after a meteorite impact. "
                        + "Which is the most likely effect of this increase in rotation?",
                "choices",
                Map.of("text", texts, "label", List.of("A", "B", "C", "D")),
                "answerKey",
                "C");
        assertSharedContext(
                choice(arc, row),
                "Question: An astronomer observes that a planet rotates faster after a "
                        + "meteorite impact. Which is the most likely effect of this increase in rotation?\nAnswer:",
                texts.stream().map(t -> " " + t).toList(),
                texts,
                2);
        assertEquals("test", arc.evalSplit());
        assertEquals(Set.of("id", "question", "choices", "answerKey"), arc.requiredColumns());
        assertEquals(List.of("acc", "acc_norm"), arc.metrics());
    }

    @Test
    void arcChallengeHandlesNumericLabelsAndThreeChoices() {
        TaskDocument row = doc(
                "NYSEDREGENTS_2015_4_8",
                "id",
                "NYSEDREGENTS_2015_4_8",
                "question",
                "Which tool measures mass?",
                "choices",
                Map.of("text", List.of("a ruler", "a balance", "a thermometer"), "label", List.of("1", "2", "3")),
                "answerKey",
                "2");
        assertSharedContext(
                choice(published("arc_challenge"), row),
                "Question: Which tool measures mass?\nAnswer:",
                List.of(" a ruler", " a balance", " a thermometer"),
                List.of("a ruler", "a balance", "a thermometer"),
                1);
    }

    @Test
    void hellaswagCleansTheWikiHowMarkersAsTheHarnessDoes() {
        TaskDefinition hellaswag = published("hellaswag");
        List<String> endings = List.of(
                "is using wrap to wrap a pair of skis.",
                "is ripping level tiles off.",
                "is holding a rubik's cube.",
                "starts pulling up roofing on a roof.");
        TaskDocument row = doc(
                "hs-24",
                "ind",
                24L,
                "activity_label",
                "Roof shingle removal",
                "ctx_a",
                "A man is sitting on a roof.",
                "ctx_b",
                "he",
                "ctx",
                "A man is sitting on a roof. he",
                "endings",
                endings,
                "source_id",
                "activitynet~v_-JhWjGDPHMY",
                "split",
                "val",
                "split_type",
                "indomain",
                "label",
                "3");
        assertSharedContext(
                choice(hellaswag, row),
                "Roof shingle removal: A man is sitting on a roof. He",
                endings.stream().map(e -> " " + e).toList(),
                endings,
                3);

        TaskDocument wikihow = doc(
                "hs-1",
                "activity_label",
                "Home and Garden",
                "ctx_a",
                "[header] How to grow tomatoes [title] Pick a sunny spot.",
                "ctx_b",
                "tomatoes NEED sun.",
                "endings",
                List.of("[step] Plant them  deep.", " Water daily [substeps] often. "),
                "label",
                "0");
        assertSharedContext(
                choice(hellaswag, wikihow),
                "Home and Garden: How to grow tomatoes. Pick a sunny spot. Tomatoes need sun.",
                List.of("  Plant them deep.", " Water daily often."),
                List.of(" Plant them deep.", "Water daily often."),
                0);
        assertEquals("validation", hellaswag.evalSplit());
        assertEquals(Set.of("activity_label", "ctx_a", "ctx_b", "endings", "label"), hellaswag.requiredColumns());
    }

    @Test
    void piqaOffersTheTwoSolutions() {
        TaskDocument row = doc(
                "piqa-0",
                "goal",
                "When boiling butter, when it's ready, you can",
                "sol1",
                "Pour it onto a plate",
                "sol2",
                "Pour it into a jar",
                "label",
                1L);
        assertSharedContext(
                choice(published("piqa"), row),
                "Question: When boiling butter, when it's ready, you can\nAnswer:",
                List.of(" Pour it onto a plate", " Pour it into a jar"),
                List.of("Pour it onto a plate", "Pour it into a jar"),
                1);
    }

    @Test
    void boolqAnswersNoOrYes() {
        TaskDefinition boolq = published("boolq");
        TaskDocument row = doc(
                "0",
                "question",
                "do iran and afghanistan speak the same language",
                "passage",
                "Persian language -- Persian is a Western Iranian language.",
                "idx",
                0L,
                "label",
                1L);
        assertSharedContext(
                choice(boolq, row),
                "Persian language -- Persian is a Western Iranian language.\n"
                        + "Question: do iran and afghanistan speak the same language?\nAnswer:",
                List.of(" no", " yes"),
                List.of("no", "yes"),
                1);
        assertEquals(List.of("acc"), boolq.metrics());
        assertEquals(2, boolq.version());
    }

    @Test
    void winograndeScoresTheSharedRestOfTheSentenceAfterEachOption() {
        TaskDocument row = doc(
                "wg-0",
                "sentence",
                "Sarah was a much better surgeon than Maria so _ always got the harder cases.",
                "option1",
                "Sarah",
                "option2",
                "Maria",
                "answer",
                "2");
        MultipleChoiceInstance mc = choice(published("winogrande"), row);
        List<String> contexts = List.of(
                "Sarah was a much better surgeon than Maria so Sarah",
                "Sarah was a much better surgeon than Maria so Maria");
        assertEquals(contexts, mc.contexts());
        assertEquals(List.of(" always got the harder cases.", " always got the harder cases."), mc.continuations());
        assertEquals(contexts, mc.choices(), "the harness's choices are the partial contexts");
        assertEquals(1, mc.gold());
        assertEquals(
                Set.of("sentence", "option1", "option2", "answer"),
                published("winogrande").requiredColumns());
    }

    @Test
    void mmluNamesTheSubjectInTheDescriptionAndLettersTheChoices() {
        TaskDefinition mmlu = published("mmlu");
        TaskDocument row = doc(
                "mmlu-0",
                "question",
                " Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\n",
                "subject",
                "abstract_algebra",
                "choices",
                List.of("0", "4", "2", "6"),
                "answer",
                1L);
        assertSharedContext(
                choice(mmlu, row),
                "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
                        + "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\n"
                        + "A. 0\nB. 4\nC. 2\nD. 6\nAnswer:",
                List.of(" A", " B", " C", " D"),
                List.of("A", "B", "C", "D"),
                1);
        assertEquals(Set.of("question", "subject", "choices", "answer"), mmlu.requiredColumns());
        assertEquals(
                List.of("/data/mmlu/test/*.parquet"),
                TaskDefinition.load(TaskFiles.root().resolve("tasks/public/mmlu.yaml"), java.util.Optional.of("/data"))
                        .data()
                        .paths("test"));
    }

    @Test
    void gsm8kPromptsFiveTrainExamplesAndExtractsTheAnswerBothWays() {
        TaskDefinition gsm8k = published("gsm8k");
        List<TaskDocument> train = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            train.add(doc(
                    "train-" + i,
                    "question",
                    "What is " + i + " + " + i + "?",
                    "answer",
                    "Add them.\n" + i + " + " + i + " = <<" + i + "+" + i + "=" + 2 * i + ">>" + 2 * i + "\n#### "
                            + 2 * i));
        }
        String answer = "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n"
                + "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.\n#### 18";
        TaskDocument test = doc(
                "test-0", "question", "Janet’s ducks lay 16 eggs per day. How much does she make?", "answer", answer);
        GenerationInstance gen = (GenerationInstance) gsm8k.instance(test, train);

        List<String> parts = Arrays.asList(gen.context().split("\n\n", -1));
        assertEquals(6, parts.size(), gen.context());
        Set<String> examples = new HashSet<>();
        for (TaskDocument t : train) {
            examples.add("Question: " + t.fields().get("question") + "\nAnswer: "
                    + t.fields().get("answer"));
        }
        assertEquals(examples, new HashSet<>(parts.subList(0, 5)), "the five train documents, target after a space");
        assertEquals("Question: Janet’s ducks lay 16 eggs per day. How much does she make?\nAnswer:", parts.get(5));
        assertEquals(answer, gen.target());
        assertEquals(List.of("Question:", "</s>", "<|im_end|>"), gen.until());
        assertEquals(256, gen.maxNewTokens());

        AnswerExtraction extraction = gen.extraction();
        assertEquals(List.of("strict-match", "flexible-extract"), extraction.filterNames());
        String worked = "She makes 9 * 2 = $18.\n#### 18";
        assertEquals("18", extraction.extract(0, worked));
        assertTrue(extraction.exactMatch(extraction.extract(0, worked), gen.target()));
        String loose = "The answer is $18.";
        assertEquals("[invalid]", extraction.extract(0, loose));
        assertEquals("$18.", extraction.extract(1, loose));
        assertTrue(
                extraction.exactMatch(extraction.extract(1, loose), gen.target()), "$ and the final dot are ignored");
        assertTrue(extraction.ignoreCase());
        assertEquals(3, gsm8k.version());
    }

    @Test
    void wikitextDetokenizesForTheModelAndCountsTheOriginalPage() {
        TaskDefinition wikitext = published("wikitext");
        String page =
                " = Robert Boulter = \n Robert Boulter is an English film , television and theatre actor . He had a "
                        + "guest @-@ starring role on the television series The Bill in 2000 . \n";
        RollingInstance rolling = (RollingInstance) wikitext.instance(doc("w-0", "page", page), List.of());
        assertEquals(
                " = Robert Boulter =\nRobert Boulter is an English film, television and theatre actor. He had a "
                        + "guest-starring role on the television series The Bill in 2000.\n",
                rolling.text());
        assertEquals(34, rolling.words(), "len(re.split(r'\\s+', page)) of the original page");
        assertEquals(167, rolling.bytes(), "UTF-8 bytes of the original page");
        assertEquals(RollingInstance.WindowStrategy.LM_EVAL, rolling.windows());
        assertEquals(0, rolling.maxLength(), "the model's context length");
        assertEquals(Set.of("page"), wikitext.requiredColumns());
        assertEquals(List.of("word_perplexity", "byte_perplexity", "bits_per_byte"), wikitext.metrics());
    }
}
