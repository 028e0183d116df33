package io.moelab.stats;

/**
 * Fixed-point encoding that makes floating sums exact and order-independent: each value is
 * rounded once, on its own, to the nearest multiple of {@code 2^-fractionBits} and held as a
 * {@code long}; sums of those longs are integer sums, hence associative and commutative, and any
 * partitioning of the same values gives the same bits.
 *
 * <p>Routing sums use {@link #ROUTING_BITS} = 32 fractional bits: resolution {@code 2^-32 ≈ 2.3e-10}
 * per value (rounding error at most half that, per value), and every value and every running sum
 * must stay below {@code 2^31 ≈ 2.1e9} in magnitude. Exceeding it throws {@link ArithmeticException}
 * rather than wrapping.
 */
final class FixedPoint {
    /** Fractional bits of the routing sums (gate mass, probability mass, entropy, output norms). */
    static final int ROUTING_BITS = 32;

    private FixedPoint() {}

    /** {@code round(value · 2^bits)} to the nearest integer, ties to even ({@link Math#rint}); the scaling by a power of two is exact. */
    static long encode(double value, int bits) {
        double scaled = Math.rint(Math.scalb(value, bits));
        if (!(Math.abs(scaled) < 0x1p63)) {
            throw new ArithmeticException("value " + value + " does not fit a fixed-point long with " + bits
                    + " fractional bits (limit ±2^" + (63 - bits) + ")");
        }
        return (long) scaled;
    }

    static long encode(double value) {
        return encode(value, ROUTING_BITS);
    }

    static double decode(long fixed, int bits) {
        return Math.scalb((double) fixed, -bits);
    }

    static double decode(long fixed) {
        return decode(fixed, ROUTING_BITS);
    }

    /** Adds two fixed-point sums, throwing instead of wrapping on overflow. */
    static long add(long a, long b) {
        return Math.addExact(a, b);
    }

    /** Element-wise {@code into[i] += from[i]}, exact, throwing on overflow. */
    static void addAll(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] = Math.addExact(into[i], from[i]);
        }
    }
}
