package io.moelab.model.checkpoint;

/**
 * Exact conversions between float32 and the two 16-bit formats, rounding to nearest-even as PyTorch's
 * {@code tensor.to(torch.float16 / torch.bfloat16)} does.
 *
 * <p>Hand-written because Java 17 has no {@code Float.float16ToFloat}/{@code floatToFloat16}, and JavaCPP 1.5.7's
 * indexers do not round like PyTorch (checked): {@code Bfloat16Indexer.fromFloat} truncates (1 + 2^-8 + 2^-23 gives
 * 1.0 instead of 1 + 2^-7), and {@code HalfIndexer.fromFloat} rounds ties away from zero (1 + 2^-11 gives 1 + 2^-10
 * instead of 1.0) and saturates 65520 to 65504 instead of overflowing to infinity.
 */
public final class HalfFloats {

    private static final int FLOAT_ABS_MASK = 0x7FFF_FFFF;
    private static final int FLOAT_INF_BITS = 0x7F80_0000;
    /** Float bits of 65520, the midpoint between f16's largest finite value 65504 and 2^16: from here up, inf. */
    private static final int F16_OVERFLOW_BITS = 0x477F_F000;
    /** Float bits of 2^-14, f16's smallest normal value. */
    private static final int F16_MIN_NORMAL_BITS = 0x3880_0000;
    /** (127 - 15) << 23: moves a float exponent to the f16 bias. */
    private static final int F16_REBIAS = 0x3800_0000;

    private HalfFloats() {}

    /** bfloat16 bits to float32 (exact: bf16 is the upper half of a float32). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float32 to bfloat16 bits, round to nearest-even; overflow gives infinity; NaN gives the quiet NaN 0x7FC0. */
    public static short floatToBf16(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >>> 16) & 1;
        // Adding 0x7FFF + lsb carries into bit 16 exactly when the dropped half is above the midpoint, or at it with an
        // odd kept part; a carry out of the mantissa correctly bumps the exponent (up to infinity).
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** IEEE binary16 bits to float32 (exact, including subnormals, infinities and NaN payloads). */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        boolean negative = (h & 0x8000) != 0;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal or zero: mantissa units of 2^-24, exact in float
            return negative ? -magnitude : magnitude;
        }
        int sign = negative ? 0x8000_0000 : 0;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | FLOAT_INF_BITS | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent << 23) + F16_REBIAS) | (mantissa << 13));
    }

    /**
     * float32 to IEEE binary16 bits, round to nearest-even including subnormals; values from 65520 up overflow to
     * infinity; NaN gives the quiet NaN 0x7E00 with the input's sign.
     */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & FLOAT_ABS_MASK;
        if (abs > FLOAT_INF_BITS) {
            return (short) (sign | 0x7E00);
        }
        if (abs >= F16_OVERFLOW_BITS) {
            return (short) (sign | 0x7C00);
        }
        if (abs >= F16_MIN_NORMAL_BITS) {
            int lsb = (abs >>> 13) & 1;
            return (short) (sign | ((abs + 0xFFF + lsb - F16_REBIAS) >>> 13));
        }
        // Subnormal result: adding 0.5 (whose float ulp is 2^-24, one f16 subnormal step) lets the FPU round to
        // nearest-even; the low mantissa bits are then the f16 bits, and a carry to 0x400 is the smallest normal.
        float shifted = Float.intBitsToFloat(abs) + 0.5f;
        return (short) (sign | (Float.floatToRawIntBits(shifted) - Float.floatToRawIntBits(0.5f)));
    }
}
