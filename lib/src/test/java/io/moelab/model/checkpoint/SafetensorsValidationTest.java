package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each broken file is built by hand, byte by byte, and must be refused with a message naming file and cause. */
class SafetensorsValidationTest {

    @TempDir
    Path tmp;

    /** Writes the u64 little-endian header length, the header and {@code dataBytes} zero bytes. */
    private Path file(String header, int dataBytes) throws Exception {
        return fileWithLength(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private Path fileWithLength(long declaredLength, String header, int dataBytes) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(declaredLength).put(json);
        Path path = tmp.resolve("bad.safetensors");
        Files.write(path, bytes.array());
        return path;
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private static void assertRefused(Path path, String... fragments) {
        MoelabInputException e = assertThrows(
                MoelabInputException.class, () -> SafetensorsFile.open(path).close());
        assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
    }

    @Test
    void acceptsAHandBuiltFile() throws Exception {
        Path path = file("{" + tensor("w", "F32", "[2,2]", 0, 16) + "," + tensor("b", "F16", "[2]", 16, 20) + "}", 20);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertTrue(file.tensors().containsKey("w") && file.tensors().containsKey("b"));
        }
    }

    @Test
    void fileShorterThanTheLengthField() throws Exception {
        Path path = tmp.resolve("bad.safetensors");
        Files.write(path, new byte[] {7, 0, 0});
        assertRefused(path, "truncated", "3 bytes");
    }

    @Test
    void oversizedHeader() throws Exception {
        assertRefused(fileWithLength(200_000_000L, "{}", 0), "header of 200000000 bytes exceeds the 100 MB limit");
    }

    @Test
    void headerLengthBeyondEndOfFile() throws Exception {
        assertRefused(fileWithLength(500, "{}", 0), "header of 500 bytes", "past the end", "truncated");
    }

    @Test
    void malformedJson() throws Exception {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",", 0), "not valid JSON");
    }

    @Test
    void headerThatIsNotAnObject() throws Exception {
        assertRefused(file("[1,2]", 0), "must be a JSON object");
    }

    @Test
    void entryWithoutDataOffsets() throws Exception {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "'w'", "data_offsets");
    }

    @Test
    void negativeDimension() throws Exception {
        assertRefused(file("{" + tensor("w", "F32", "[-1,4]", 0, 16) + "}", 16), "'w'", "shape", "non-negative");
    }

    @Test
    void offsetsOutOfRange() throws Exception {
        assertRefused(
                file("{" + tensor("w", "F32", "[4]", 0, 16) + "}", 8),
                "tensor 'w'",
                "[0, 16]",
                "8-byte data section",
                "truncated or offset out of range");
    }

    @Test
    void overlappingOffsets() throws Exception {
        String header = "{" + tensor("a", "F32", "[4]", 0, 16) + "," + tensor("b", "F32", "[4]", 8, 24) + "}";
        assertRefused(file(header, 24), "tensor 'b'", "[8, 24]", "overlap tensor 'a'", "[0, 16]");
    }

    @Test
    void sizeMismatch() throws Exception {
        assertRefused(
                file("{" + tensor("w", "F16", "[3,2]", 0, 16) + "}", 16),
                "tensor 'w'",
                "size mismatch",
                "[3, 2]",
                "needs 12 bytes",
                "hold 16");
    }

    @Test
    void unsupportedDtype() throws Exception {
        assertRefused(
                file("{" + tensor("w", "F64", "[2]", 0, 16) + "}", 16),
                "tensor 'w'",
                "unsupported dtype F64",
                "F32, F16, BF16");
        assertRefused(file("{" + tensor("q", "I8", "[2]", 0, 2) + "}", 2), "tensor 'q'", "unsupported dtype I8");
    }

    @Test
    void pickledWeightsAreNeverOpened() throws Exception {
        Path bin = tmp.resolve("pytorch_model.bin");
        Files.write(bin, new byte[] {(byte) 0x80, 2});
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> SafetensorsFile.open(bin));
        assertTrue(
                e.getMessage().contains("pickled") && e.getMessage().contains("safe_serialization=True"),
                e.getMessage());
    }
}
