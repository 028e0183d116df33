package io.moelab.model.checkpoint;

import static io.moelab.model.checkpoint.HalfFloats.bf16ToFloat;
import static io.moelab.model.checkpoint.HalfFloats.f16ToFloat;
import static io.moelab.model.checkpoint.HalfFloats.floatToBf16;
import static io.moelab.model.checkpoint.HalfFloats.floatToF16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void everyF16PatternRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(f16ToFloat(floatToF16(f))), "NaN stays NaN for " + Integer.toHexString(h));
            } else {
                assertEquals(h, floatToF16(f) & 0xFFFF, "f16 bits " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void everyBf16PatternRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = bf16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(bf16ToFloat(floatToBf16(f))), "NaN stays NaN for " + Integer.toHexString(h));
            } else {
                assertEquals(h, floatToBf16(f) & 0xFFFF, "bf16 bits " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void f16DecodesKnownValues() {
        assertEquals(1.0f, f16ToFloat((short) 0x3C00));
        assertEquals(-2.0f, f16ToFloat((short) 0xC000));
        assertEquals(65504f, f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, f16ToFloat((short) 0x0001));
        assertEquals(0x1p-14f, f16ToFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, f16ToFloat((short) 0x7C00));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f16ToFloat((short) 0x8000)));
    }

    @Test
    void f16MidpointsRoundToEvenAndNeighboursRoundToNearest() {
        checkMidpoints(0x7BFF, HalfFloats::f16ToFloat, HalfFloats::floatToF16);
    }

    @Test
    void bf16MidpointsRoundToEvenAndNeighboursRoundToNearest() {
        checkMidpoints(0x7F7F, HalfFloats::bf16ToFloat, HalfFloats::floatToBf16);
    }

    /**
     * For every pair of adjacent finite values (both signs): the exact midpoint goes to the even pattern, the floats
     * just below and above it go to the nearer neighbour.
     */
    private static void checkMidpoints(int maxFinite, Function<Short, Float> decode, Function<Float, Short> encode) {
        for (int sign : new int[] {0, 0x8000}) {
            for (int low = 0; low < maxFinite; low++) {
                int high = low + 1;
                double a = decode.apply((short) (sign | low));
                double b = decode.apply((short) (sign | high));
                float mid = (float) ((a + b) / 2); // exact: both formats have far fewer mantissa bits than float
                assertEquals((a + b) / 2, mid, 0.0);
                int even = (low & 1) == 0 ? low : high;
                String where = " at pattern " + Integer.toHexString(sign | low);
                assertEquals(sign | even, encode.apply(mid) & 0xFFFF, "midpoint" + where);
                float towardLow = sign == 0 ? Math.nextDown(mid) : Math.nextUp(mid);
                float towardHigh = sign == 0 ? Math.nextUp(mid) : Math.nextDown(mid);
                assertEquals(sign | low, encode.apply(towardLow) & 0xFFFF, "just below midpoint" + where);
                assertEquals(sign | high, encode.apply(towardHigh) & 0xFFFF, "just above midpoint" + where);
            }
        }
    }

    @Test
    void f16OverflowsToInfinityFrom65520() {
        assertEquals(0x7C00, floatToF16(65520f) & 0xFFFF);
        assertEquals(0xFC00, floatToF16(-65520f) & 0xFFFF);
        assertEquals(0x7BFF, floatToF16(65519.99f) & 0xFFFF);
        assertEquals(0x7BFF, floatToF16(Math.nextDown(65520f)) & 0xFFFF);
        assertEquals(0x7C00, floatToF16(1e10f) & 0xFFFF);
        assertEquals(0x7C00, floatToF16(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7F80, floatToBf16(Float.MAX_VALUE) & 0xFFFF, "bf16 max float rounds past 0x7F7F to inf");
    }

    @Test
    void f16SubnormalsRoundToNearestEven() {
        float unit = 0x1p-24f; // smallest f16 subnormal
        assertEquals(0x0001, floatToF16(unit) & 0xFFFF);
        assertEquals(0x0000, floatToF16(unit / 2) & 0xFFFF, "half a unit ties to even 0");
        assertEquals(0x0001, floatToF16(Math.nextUp(unit / 2)) & 0xFFFF);
        assertEquals(0x0002, floatToF16(unit * 1.5f) & 0xFFFF, "1.5 units ties to even 2");
        assertEquals(0x0002, floatToF16(unit * 2.5f) & 0xFFFF, "2.5 units ties to even 2");
        assertEquals(0x8003, floatToF16(-unit * 3) & 0xFFFF);
        assertEquals(0x0000, floatToF16(1e-10f) & 0xFFFF);
        assertEquals(0x03FF, floatToF16(1023 * unit) & 0xFFFF, "largest subnormal");
        assertEquals(0x0400, floatToF16(1023.5f * unit) & 0xFFFF, "ties up into the smallest normal");
        assertEquals(0x0400, floatToF16(0x1p-14f) & 0xFFFF);
    }

    @Test
    void nanStaysQuietNaN() {
        float signalling = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(f16ToFloat(floatToF16(signalling))));
        assertEquals(0x7E00, floatToF16(Float.NaN) & 0x7E00, "f16 quiet bit set");
        assertTrue(Float.isNaN(bf16ToFloat(floatToBf16(signalling))));
        assertEquals(0x7FC0, floatToBf16(signalling) & 0xFFFF);
    }

    @Test
    void bf16RoundsWhereTruncationWouldNot() {
        IntFunction<Float> bits = Float::intBitsToFloat;
        assertEquals(0x3F81, floatToBf16(bits.apply(0x3F808001)) & 0xFFFF, "above midpoint rounds up");
        assertEquals(0x3F80, floatToBf16(bits.apply(0x3F808000)) & 0xFFFF, "midpoint to even (down)");
        assertEquals(0x3F82, floatToBf16(bits.apply(0x3F818000)) & 0xFFFF, "midpoint to even (up)");
    }
}
