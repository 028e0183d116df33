package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheMixtralFixture() {
        try (SafetensorsFile file = SafetensorsFile.open(Fixtures.mixtral())) {
            assertEquals(65, file.tensors().size());
            assertEquals(Map.of("format", "pt"), file.metadata());
            TensorInfo embed = file.tensors().get("model.embed_tokens.weight");
            assertEquals(DType.F32, embed.dtype());
            assertArrayEquals(new long[] {256, 64}, embed.shape());
            float[] values = file.readFloats("model.embed_tokens.weight");
            assertEquals(256 * 64, values.length);
            for (float v : values) {
                assertTrue(Float.isFinite(v));
            }
            assertTrue(values[0] != 0 || values[1] != 0, "random weights, not zeros");
            assertEquals(values[5], file.rawBytes("model.embed_tokens.weight").getFloat(5 * 4), 0f);
        }
    }

    @Test
    void readsTheTrainedBf16CheckpointAsExactBf16Values() {
        try (SafetensorsFile file = SafetensorsFile.open(Fixtures.trainedMoe())) {
            assertEquals(127, file.tensors().size());
            for (TensorInfo info : file.tensors().values()) {
                assertEquals(DType.BF16, info.dtype(), info.name());
                float[] values = file.readFloats(info.name());
                assertEquals(info.numel(), values.length);
                ByteBuffer raw = file.rawBytes(info.name());
                for (int i = 0; i < values.length; i++) {
                    int bits = Float.floatToRawIntBits(values[i]);
                    assertEquals(0, bits & 0xFFFF, "upcast bf16 has no low mantissa bits");
                    assertEquals(raw.getShort(2 * i), (short) (bits >>> 16), info.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void readFloatsIntoFillsACallerBufferFromItsPosition() {
        try (SafetensorsFile file = SafetensorsFile.open(Fixtures.mixtral())) {
            String name = "model.norm.weight";
            float[] expected = file.readFloats(name);
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * (expected.length + 3))
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            direct.position(3);
            file.readFloatsInto(name, direct);
            assertEquals(direct.capacity(), direct.position());
            float[] copy = new float[expected.length];
            direct.position(3).get(copy);
            assertArrayEquals(expected, copy);
            assertThrows(IllegalArgumentException.class, () -> file.readFloatsInto(name, FloatBuffer.allocate(1)));
        }
    }

    @Test
    void rawCopyOfEveryTensorRoundTripsByteForByte() throws Exception {
        Path copy = tmp.resolve("copy.safetensors");
        try (SafetensorsFile source = SafetensorsFile.open(Fixtures.mixtral())) {
            SafetensorsWriter writer = new SafetensorsWriter(source.metadata());
            for (TensorInfo info : source.tensors().values()) {
                writer.addRaw(info.name(), info.dtype(), info.shape(), source.rawBytes(info.name()));
            }
            writer.write(copy);
            try (SafetensorsFile reread = SafetensorsFile.open(copy)) {
                assertEquals(
                        List.copyOf(source.tensors().values()),
                        List.copyOf(reread.tensors().values()));
                assertEquals(source.metadata(), reread.metadata());
                for (String name : source.tensors().keySet()) {
                    assertEquals(source.rawBytes(name), reread.rawBytes(name), name);
                }
            }
        }
        // The fixture's tensors are contiguous and in header order, so the whole file is reproduced.
        assertArrayEquals(Files.readAllBytes(Fixtures.mixtral()), Files.readAllBytes(copy));
    }

    @Test
    void writtenFloatsReadBackExactly() {
        float[] f32 = {1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, Float.NEGATIVE_INFINITY};
        float[] halves = {1.0f, 1.0f + 0x1p-11f, 65520f, -3.25f};
        Path file = tmp.resolve("floats.safetensors");
        new SafetensorsWriter(Map.of())
                .add("f32", DType.F32, new long[] {2, 3}, f32)
                .add("f16", DType.F16, new long[] {4}, halves)
                .add("bf16", DType.BF16, new long[] {4}, halves)
                .write(file);
        try (SafetensorsFile reread = SafetensorsFile.open(file)) {
            assertEquals(
                    List.of("f32", "f16", "bf16"), List.copyOf(reread.tensors().keySet()));
            assertArrayEquals(f32, reread.readFloats("f32"));
            assertArrayEquals(new float[] {1.0f, 1.0f, Float.POSITIVE_INFINITY, -3.25f}, reread.readFloats("f16"));
            assertArrayEquals(new float[] {1.0f, 1.0f, 65536f, -3.25f}, reread.readFloats("bf16"));
            assertEquals(Map.of(), reread.metadata());
        }
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOfEight() throws Exception {
        Path file = tmp.resolve("padded.safetensors");
        new SafetensorsWriter(Map.of("format", "pt"))
                .add("x", DType.F32, new long[] {1}, new float[] {2f})
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength =
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        assertEquals(' ', bytes[(int) (8 + headerLength - 1)]);
        assertEquals(8 + headerLength + 4, bytes.length);
    }
}
