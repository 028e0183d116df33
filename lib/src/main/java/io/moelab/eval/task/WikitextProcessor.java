package io.moelab.eval.task;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code process_docs: wikitext}: adds {@code detokenized}, the {@code page} column (Merity et al.,
 * 2016, WikiText) with lm-evaluation-harness's wikitext detokenizer applied, so the model reads
 * ordinary text while word and byte counts can still come from the original page, as the harness
 * counts them. The rules, in the harness's order: "s '" → "s'"; the literal "/' [0-9]/" →
 * "/'[0-9]/"; " @-@ ", " @,@ ", " @.@ " → "-", ",", "."; " X " → "X " for X in : ; . ! ? ,; spaces
 * just inside (), [], {}, "" and '' pairs removed; "= = = =", "= = =", "= =" closed up; " ° " → "°";
 * spaces at line ends and starts dropped; " N " → " 1 "; " 's" → "'s".
 */
final class WikitextProcessor implements DocumentProcessor {
    private static final String NAME = "wikitext";
    /** Python's {@code \s} on str: Unicode White_Space plus U+001C–U+001F. */
    private static final String SPACE = "[\\s\\x1c-\\x1f]";

    private record Rule(Pattern pattern, String replacement) {
        static Rule literal(String from, String to) {
            return new Rule(Pattern.compile(Pattern.quote(from)), Matcher.quoteReplacement(to));
        }

        static Rule spacesInside(char open, char close) {
            // A backslash escapes any non-alphanumeric character, inside a class too.
            String o = "\\" + open;
            String c = "\\" + close;
            Pattern pattern =
                    Pattern.compile(o + SPACE + "*([^" + c + "]*?)" + SPACE + "*" + c, Pattern.UNICODE_CHARACTER_CLASS);
            return new Rule(
                    pattern,
                    Matcher.quoteReplacement(String.valueOf(open)) + "$1"
                            + Matcher.quoteReplacement(String.valueOf(close)));
        }
    }

    private static final List<Rule> RULES = List.of(
            Rule.literal("s '", "s'"),
            // The harness's pattern has literal slashes, so it only fires on "/' <digit>/".
            new Rule(Pattern.compile("/' [0-9]/"), Matcher.quoteReplacement("/'[0-9]/")),
            Rule.literal(" @-@ ", "-"),
            Rule.literal(" @,@ ", ","),
            Rule.literal(" @.@ ", "."),
            Rule.literal(" : ", ": "),
            Rule.literal(" ; ", "; "),
            Rule.literal(" . ", ". "),
            Rule.literal(" ! ", "! "),
            Rule.literal(" ? ", "? "),
            Rule.literal(" , ", ", "),
            Rule.spacesInside('(', ')'),
            Rule.spacesInside('[', ']'),
            Rule.spacesInside('{', '}'),
            Rule.spacesInside('"', '"'),
            Rule.spacesInside('\'', '\''),
            Rule.literal("= = = =", "===="),
            Rule.literal("= = =", "==="),
            Rule.literal("= =", "=="),
            Rule.literal(" \u00b0 ", "\u00b0"),
            Rule.literal(" \n", "\n"),
            Rule.literal("\n ", "\n"),
            Rule.literal(" N ", " 1 "),
            Rule.literal(" 's", "'s"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> inputColumns() {
        return Set.of("page");
    }

    @Override
    public Set<String> outputColumns() {
        return Set.of("detokenized");
    }

    @Override
    public Map<String, Object> process(Map<String, Object> fields) {
        return DocumentProcessor.extend(
                fields, Map.of("detokenized", detokenize(DocumentProcessor.string(fields, "page", NAME))));
    }

    static String detokenize(String page) {
        String out = page;
        for (Rule rule : RULES) {
            out = rule.pattern.matcher(out).replaceAll(rule.replacement);
        }
        return out;
    }
}
