package io.moelab.eval.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final Map<String, Object> DOC = Map.of(
            "question",
            "  Which one?  ",
            "choices",
            Map.of("text", List.of("red", "green", "blue"), "label", List.of("A", "B", "C")),
            "answerKey",
            "B",
            "gold",
            2L,
            "options",
            List.of("x", "y"),
            "flag",
            true,
            "subject",
            "high_school_biology",
            "ctx",
            "hELLO wORLD");

    private static Object value(String template) {
        return Template.parse(template, "f").value(DOC);
    }

    @Test
    void pathsReadColumnsStructFieldsAndListElements() {
        assertEquals("B", value("{{answerKey}}"));
        assertEquals(List.of("red", "green", "blue"), value("{{ choices.text }}"));
        assertEquals("green", value("{{choices.text[1]}}"));
        assertEquals("blue", value("{{choices.text[-1]}}"));
        assertEquals("blue", value("{{choices.text[gold]}}"), "index by another column's integer");
        assertEquals(2L, value("{{gold}}"), "a lone substitution keeps its type");
    }

    @Test
    void methodsBehaveAsPythonsStringAndListMethods() {
        assertEquals("Which one?", value("{{question.strip()}}"));
        assertEquals("hello world", value("{{ctx.lower()}}"));
        assertEquals("Hello world", value("{{ctx.capitalize()}}"));
        assertEquals("high school biology", value("{{subject.replace('_', \" \")}}"));
        assertEquals(1L, value("{{choices.label.index(answerKey)}}"));
        assertEquals("green", value("{{choices.text[choices.label.index(answerKey)]}}"));
    }

    @Test
    void mixedTextPrintsScalarsAsJinjaDoes() {
        assertEquals("Q: Which one?\nGold 2 is True.", value("Q: {{question.strip()}}\nGold {{gold}} is {{flag}}."));
        assertEquals("no substitutions {", value("no substitutions {"));
    }

    @Test
    void columnsAreTheFirstNameOfEveryPath() {
        assertEquals(
                Set.of("choices", "answerKey"),
                Template.parse("{{choices.text[choices.label.index(answerKey)]}}", "f")
                        .columns());
    }

    @Test
    void evaluationErrorsNameTheFieldTemplateAndProblem() {
        assertEquals(
                "f 'x {{options}}': {{options}} is a list of 2, which cannot be printed as text",
                assertThrows(DocumentException.class, () -> value("x {{options}}"))
                        .getMessage());
        assertEquals(
                "f '{{options[5]}}': options[5]: index 5 is out of range for 2 elements",
                assertThrows(DocumentException.class, () -> value("{{options[5]}}"))
                        .getMessage());
        assertEquals(
                "f '{{choices.txt}}': column 'choices.txt' does not exist (fields of choices: label, text)",
                assertThrows(DocumentException.class, () -> value("{{choices.txt}}"))
                        .getMessage());
        assertEquals(
                "f '{{gold.strip()}}': gold is long 2, not a string for strip()",
                assertThrows(DocumentException.class, () -> value("{{gold.strip()}}"))
                        .getMessage());
    }

    @Test
    void syntaxOutsideTheSubsetIsRefused() {
        assertEquals(
                "{{ a | upper }}: unexpected '| upper'",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("{{ a | upper }}", "f"))
                        .getMessage());
        assertEquals(
                "{{[a, b]}}: expected a name at '[a, b]'",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("{{[a, b]}}", "f"))
                        .getMessage());
        assertEquals(
                "{{a.replace(b, c)}}: replace() takes quoted strings",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("{{a.replace(b, c)}}", "f"))
                        .getMessage());
        assertEquals(
                "{{a.index('x')}}: index() takes a column path",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("{{a.index('x')}}", "f"))
                        .getMessage());
    }
}
