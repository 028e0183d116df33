package io.moelab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.eval.task.RollingInstance.WindowStrategy;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RollingWindowsTest {
    private static final int PREFIX = -100;

    @Test
    void lmEvalWindowsMatchTheHarnessOnItsOwnExample() {
        // get_rolling_token_windows(range(34), -100, max_seq_len=10, context_len=1) + make_disjoint_window.
        List<ScoringRequest> windows = RollingWindows.of(range(0, 34), PREFIX, 10, WindowStrategy.LM_EVAL);
        assertEquals(4, windows.size());
        assertWindow(windows.get(0), new int[] {PREFIX}, range(0, 10));
        assertWindow(windows.get(1), new int[] {9}, range(10, 20));
        assertWindow(windows.get(2), new int[] {19}, range(20, 30));
        assertWindow(windows.get(3), range(23, 30), range(30, 34));
    }

    @Test
    void disjointWindowsAreBosPlusPiecesOfMaxLengthMinusOne() {
        List<ScoringRequest> windows = RollingWindows.of(range(0, 10), PREFIX, 5, WindowStrategy.DISJOINT);
        assertEquals(3, windows.size());
        assertWindow(windows.get(0), new int[] {PREFIX}, range(0, 4));
        assertWindow(windows.get(1), new int[] {PREFIX}, range(4, 8));
        assertWindow(windows.get(2), new int[] {PREFIX}, range(8, 10));
    }

    @Test
    void everyTokenIsPredictedExactlyOnceAroundTheBoundaries() {
        for (WindowStrategy strategy : WindowStrategy.values()) {
            for (int maxLength : new int[] {2, 3, 8, 256}) {
                int piece = strategy == WindowStrategy.DISJOINT ? maxLength - 1 : maxLength;
                for (int length : new int[] {
                    0, 1, piece - 1, piece, piece + 1, 2 * piece - 1, 2 * piece, 2 * piece + 1, 3 * piece + 2, 1000
                }) {
                    int[] tokens = range(0, length);
                    String what = strategy + " maxLength " + maxLength + " length " + length;
                    List<ScoringRequest> windows = RollingWindows.of(tokens, PREFIX, maxLength, strategy);
                    int[] predicted = windows.stream()
                            .flatMapToInt(w -> Arrays.stream(w.targets()))
                            .toArray();
                    assertArrayEquals(tokens, predicted, what + ": targets in order, each once");
                    for (ScoringRequest window : windows) {
                        assertTrue(
                                window.inputLength() <= maxLength, what + ": a window reads at most maxLength tokens");
                        assertTrue(window.targets().length > 0, what + ": no empty window");
                        assertContiguous(window, what);
                    }
                    if (strategy == WindowStrategy.LM_EVAL) {
                        // Every window after the first reads a full maxLength tokens of context.
                        windows.stream().skip(1).forEach(w -> assertEquals(maxLength, w.inputLength(), what));
                    } else {
                        windows.forEach(w -> assertArrayEquals(new int[] {PREFIX}, w.prefix(), what));
                    }
                }
            }
        }
    }

    /** The prefix is the prefix token or the tokens right before the targets. */
    private static void assertContiguous(ScoringRequest window, String what) {
        int[] prefix = window.prefix();
        int firstTarget = window.targets()[0];
        if (prefix.length == 1 && prefix[0] == PREFIX) {
            return;
        }
        assertArrayEquals(
                range(firstTarget - prefix.length, firstTarget), prefix, what + ": context right before the targets");
    }

    private static void assertWindow(ScoringRequest window, int[] prefix, int[] targets) {
        assertArrayEquals(prefix, window.prefix(), "prefix");
        assertArrayEquals(targets, window.targets(), "targets");
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }
}
