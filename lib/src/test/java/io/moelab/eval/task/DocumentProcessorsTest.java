package io.moelab.eval.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in processors' text rules and Python's string semantics they rest on. */
class DocumentProcessorsTest {

    @Test
    void wikitextDetokenizerAppliesEveryRuleInTheHarnessesOrder() {
        String page =
                " = = Career = = \n The players ' union said \" we won \" ( 3 @,@ 000 @.@ 5 votes ) ; at 40 \u00b0 N "
                        + "it 's [ cold ] ! Is it ? { yes } \n = = = Notes = = = \n";
        // The quote rule pairs the apostrophe left by "players '" with the one of "it 's", as the harness's regex does.
        assertEquals(
                " == Career ==\nThe players'union said \"we won\" (3,000.5 votes); at 40\u00b0N it's [cold]! Is it? {yes}\n"
                        + "=== Notes ===\n",
                WikitextProcessor.detokenize(page));
        assertEquals(
                "He ran /'[0-9]/ miles\u00a0 and\u001cthen 1 stopped. ",
                WikitextProcessor.detokenize("He ran /' 5/ miles\u00a0 and\u001cthen N stopped . "));
    }

    @Test
    void wordCountsFollowPythonsSplitOnWhitespace() {
        assertEquals(
                11,
                PythonText.wordCount("He ran /' 5/ miles\u00a0 and\u001cthen N stopped . "),
                "no-break space and U+001C separate words; the trailing space adds an empty one");
        assertEquals(
                34,
                PythonText.wordCount(
                        " = Robert Boulter = \n Robert Boulter is an English film , television and "
                                + "theatre actor . He had a guest @-@ starring role on the television series The Bill in 2000 . \n"));
        assertEquals(1, PythonText.wordCount(""));
    }

    @Test
    void stripAndCapitalizeArePythonsStrAndLower() {
        assertEquals("a b", PythonText.strip("\u00a0\u001c a b \u0085"));
        assertEquals("Hello world", PythonText.capitalize("hELLO World"));
        assertEquals("", PythonText.capitalize(""));
    }

    @Test
    void hellaswagCleaningDropsMarkersAndDoubleSpaces() {
        assertEquals(
                " How to grow tomatoes. Pick a sunny spot.",
                HellaSwagProcessor.clean(" [header] How to grow tomatoes [title] Pick a sunny spot. "),
                "stripped before the markers go, so the space after a leading marker stays, as in the harness");
        Map<String, Object> out = new HellaSwagProcessor()
                .process(Map.of(
                        "activity_label",
                        "Cooking",
                        "ctx_a",
                        "A pan.",
                        "ctx_b",
                        "THEN he",
                        "endings",
                        java.util.List.of("[step] x"),
                        "label",
                        0L));
        assertEquals("Cooking: A pan. Then he", out.get("query"));
        assertEquals(java.util.List.of(" x"), out.get("choices"));
        assertEquals(0L, out.get("gold"), "an integer label from a Parquet export is taken as it is");
        assertEquals("A pan.", out.get("ctx_a"), "the row's own columns stay");
    }
}
