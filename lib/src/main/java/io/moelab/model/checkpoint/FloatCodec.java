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
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) {
                    bytes.putShort(HalfFloats.floatToF16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    bytes.putShort(HalfFloats.floatToBf16(v));
                }
            }
        }
        return bytes.rewind();
    }
}
