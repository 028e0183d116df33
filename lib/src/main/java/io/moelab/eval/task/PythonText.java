package io.moelab.eval.task;

import java.util.Locale;

/**
 * The few Python {@code str} operations lm-evaluation-harness prompts rely on, with Python's
 * semantics where Java's differ: Python's whitespace ({@code str.isspace()}, which {@code strip()}
 * and the regex class {@code \s} use) also covers U+001C–U+001F and U+00A0, and
 * {@code capitalize()} lower-cases the rest of the string.
 */
final class PythonText {
    private PythonText() {}

    /**
     * {@code str.isspace()} for one code point. Java's isWhitespace covers the ASCII controls and
     * U+001C–U+001F but not the no-break spaces, isSpaceChar covers those, and neither covers U+0085.
     */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** {@code s.strip()}. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** {@code s.capitalize()}: the first character in title case, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int rest = Character.charCount(first);
        return new StringBuilder()
                .appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(rest).toLowerCase(Locale.ROOT))
                .toString();
    }

    /** {@code s.lower()}. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code len(re.split(r"\s+", s))}, lm-eval's word count: one more than the number of
     * whitespace runs, so leading or trailing whitespace adds an (empty) word as it does in Python.
     */
    static long wordCount(String s) {
        long runs = 0;
        boolean inRun = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = isSpace(cp);
            if (space && !inRun) {
                runs++;
            }
            inRun = space;
            i += Character.charCount(cp);
        }
        return runs + 1;
    }
}
