package io.moelab.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Converts little-endian tensor bytes to float32 values and back. */
final class FloatCodec {

    /** Elements converted per step, so that half-precision decoding uses bulk buffer transfers. */
    private static final int CHUNK = 8192;

    private FloatCodec() {}

    /** Decodes all of {@code src} (positioned at the first element) into {@code dst} at its position, advancing it. */
    static void decode(ByteBuffer src, DType dtype, FloatBuffer dst) {
        ByteBuffer le = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F32) {
            dst.put(le.asFloatBuffer());
            return;
        }
        ShortBuffer halves = le.asShortBuffer();
        short[] in = new short[Math.min(CHUNK, halves.remaining())];
        float[] out = new float[in.length];
        while (halves.hasRemaining()) {
            int n = Math.min(in.length, halves.remaining());
            halves.get(in, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = dtype == DType.BF16 ? HalfFloats.bf16ToFloat(in[i]) : HalfFloats.f16ToFloat(in[i]);
            }
            dst.put(out, 0, n);
        }
    }

    /** Encodes {@code values} as little-endian {@code dtype} bytes; half precision rounds to nearest-even. */
    static ByteBuffer encode(float[] values, DType dtype) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()));
        encodeInto(values, values.length, dtype, bytes);
        return bytes.rewind();
    }

    /**
     * Encodes {@code values[0, count)} into {@code dst} from its position on, advancing it, as little-endian
     * {@code dtype} bytes (whatever {@code dst}'s byte order); half precision rounds to nearest-even.
     */
    static void encodeInto(float[] values, int count, DType dtype, ByteBuffer dst) {
        ByteBuffer le = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> le.asFloatBuffer().put(values, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    le.putShort(HalfFloats.floatToF16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    le.putShort(HalfFloats.floatToBf16(values[i]));
                }
            }
        }
        dst.position(dst.position() + count * dtype.byteSize());
    }
}
