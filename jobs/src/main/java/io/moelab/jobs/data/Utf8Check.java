package io.moelab.jobs.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Strict UTF-8 validation of one file read through Hadoop's FileSystem (so {@code s3a://} too),
 * decompressed by its extension's codec as Spark would. Spark's text and JSON readers turn invalid
 * bytes into U+FFFD or corrupt records without saying so; this finds the first bad byte.
 */
final class Utf8Check {

    /** Where a file stops being UTF-8. */
    record Failure(long byteOffset, long line, int badByte) {
        String describe() {
            return String.format("byte 0x%02X at byte offset %d (line %d)", badByte, byteOffset, line);
        }
    }

    private Utf8Check() {}

    /** The first malformed byte of {@code file}, or empty when the whole file is valid UTF-8. */
    static Optional<Failure> firstFailure(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        try (InputStream raw = fs.open(file);
                InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
            CharsetDecoder decoder = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
            CharBuffer chars = CharBuffer.allocate(1 << 16);
            long consumed = 0; // bytes before bytes' position 0
            long line = 1;
            boolean eof = false;
            while (true) {
                if (!eof) {
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                }
                bytes.flip();
                int start = bytes.position();
                CoderResult result = decoder.decode(bytes, chars, eof);
                for (int i = start; i < bytes.position(); i++) {
                    if (bytes.get(i) == '\n') {
                        line++;
                    }
                }
                if (result.isError()) {
                    int at = bytes.position();
                    return Optional.of(new Failure(consumed + at, line, bytes.get(at) & 0xff));
                }
                chars.clear();
                consumed += bytes.position();
                bytes.compact();
                if (eof && result.isUnderflow() && bytes.position() == 0) {
                    CoderResult flush = decoder.flush(chars);
                    return flush.isError() ? Optional.of(new Failure(consumed, line, 0)) : Optional.empty();
                }
                if (eof && result.isUnderflow()) {
                    // leftover bytes at the end: an incomplete character
                    return Optional.of(new Failure(consumed, line, bytes.get(0) & 0xff));
                }
            }
        }
    }
}
