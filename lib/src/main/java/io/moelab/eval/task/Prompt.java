package io.moelab.eval.task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a document becomes prompt text, choices and a target, as lm-evaluation-harness formats them:
 * context = description + examples joined by the few-shot delimiter + the few-shot delimiter +
 * doc_to_text, where an example is doc_to_text + target delimiter + its target text.
 *
 * <p>Multiple choice has two shapes. Usually doc_to_text is text, the choices are continuations
 * (target delimiter + choice) of one shared context, and doc_to_target gives the gold choice: an
 * integer index, or a string that is one of the choices (a string of digits that is none of them
 * counts as an index, as the harness reads its label columns). When doc_to_text yields an integer
 * the task is multiple-input, as the harness's WinoGrande: that integer is the gold index, the
 * choices are alternative contexts that follow the description and examples, and doc_to_target is
 * the one continuation all of them are scored on.
 *
 * @param description      rendered with the document being evaluated; null for none
 * @param choiceTemplates  doc_to_choice as a list of templates, one per choice; null when
 *                         {@code choiceList} gives the choices or the task has none
 * @param choiceList       doc_to_choice as one template yielding the list; null otherwise
 */
record Prompt(
        Template description,
        Template docToText,
        List<Template> choiceTemplates,
        Template choiceList,
        Template docToTarget,
        String targetDelimiter,
        String fewshotDelimiter)
        implements Serializable {

    /** Every template, for the columns they read. */
    List<Template> templates() {
        List<Template> all = new ArrayList<>();
        for (Template t : new Template[] {description, docToText, choiceList, docToTarget}) {
            if (t != null) {
                all.add(t);
            }
        }
        if (choiceTemplates != null) {
            all.addAll(choiceTemplates);
        }
        return all;
    }

    String description(Map<String, Object> fields) {
        return description == null ? "" : description.text(fields);
    }

    /** The description and the examples with their closing delimiter: what precedes the document's own text. */
    String prefix(Map<String, Object> fields, List<String> examples) {
        String prefix = description(fields);
        if (!examples.isEmpty()) {
            prefix += String.join(fewshotDelimiter, examples) + fewshotDelimiter;
        }
        return prefix;
    }

    /** doc_to_text as text; an integer is refused here (only multiple choice reads it as the gold index). */
    String text(Map<String, Object> fields) {
        return docToText.text(fields);
    }

    /** doc_to_text's value: the text, or for a multiple-input task the gold index. */
    Object textOrGold(Map<String, Object> fields) {
        Object value = docToText.value(fields);
        if (!(value instanceof String) && !Template.isIntegral(value)) {
            return docToText.text(fields);
        }
        return value;
    }

    List<String> choices(Map<String, Object> fields) {
        List<String> choices = new ArrayList<>();
        if (choiceTemplates != null) {
            for (Template t : choiceTemplates) {
                choices.add(t.text(fields));
            }
        } else {
            Object value = choiceList.value(fields);
            if (!(value instanceof List<?> list)) {
                throw choiceList.fail("yields " + Template.describe(value) + ", expected a list of choices");
            }
            for (Object choice : list) {
                if (!(choice instanceof String) && !(choice instanceof Number)) {
                    throw choiceList.fail("a choice is " + Template.describe(choice) + ", expected text");
                }
                choices.add(choice.toString());
            }
        }
        if (choices.isEmpty()) {
            throw new DocumentException("doc_to_choice: the document has no choices");
        }
        return choices;
    }

    /** doc_to_target as the index of the gold choice. */
    int gold(Map<String, Object> fields, List<String> choices) {
        Object target = docToTarget.value(fields);
        if (Template.isIntegral(target)) {
            return checkedIndex(((Number) target).longValue(), choices, "doc_to_target");
        }
        if (target instanceof String s) {
            int index = choices.indexOf(s);
            if (index >= 0) {
                return index;
            }
            if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9') && s.length() < 10) {
                return checkedIndex(Long.parseLong(s), choices, "doc_to_target");
            }
            throw docToTarget.fail("'" + s + "' is not one of the choices " + choices);
        }
        throw docToTarget.fail("yields " + Template.describe(target) + ", expected a choice index or a choice");
    }

    static int checkedIndex(long index, List<String> choices, String field) {
        if (index < 0 || index >= choices.size()) {
            throw new DocumentException(
                    field + ": gold index " + index + " is out of range for " + choices.size() + " choices " + choices);
        }
        return (int) index;
    }

    /** doc_to_target as text (generation targets, multiple-input continuations). */
    String targetText(Map<String, Object> fields) {
        return docToTarget.text(fields);
    }

    /** A multiple-choice document as a few-shot example: its text (or gold context) with its answer. */
    String choiceExample(Map<String, Object> fields) {
        Object textOrGold = textOrGold(fields);
        List<String> choices = choices(fields);
        if (textOrGold instanceof String text) {
            return text + targetDelimiter + choices.get(gold(fields, choices));
        }
        int gold = checkedIndex(((Number) textOrGold).longValue(), choices, "doc_to_text");
        return choices.get(gold) + targetDelimiter + targetText(fields);
    }

    /** A generation document as a few-shot example. */
    String generationExample(Map<String, Object> fields) {
        return text(fields) + targetDelimiter + targetText(fields);
    }
}
