package io.moelab.model.checkpoint;

import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One validated, memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header, then the raw
 * little-endian tensor data. {@link #open} checks the whole header against the file size before anything is read;
 * tensor data is mapped on demand and never copied whole into the heap unless {@link #readFloats} asks for an array.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Same limit as the reference Rust/Python implementation: larger headers are refused, not parsed. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws MoelabInputException starting with the file path, for a missing file, pickled weights (.bin/.pt/...),
     *     a truncated file, a header over 100 MB or past the end of the file, malformed JSON, and any tensor entry with
     *     a bad dtype, shape or data_offsets (out of range, overlapping, or not matching shape × dtype size)
     */
    public static SafetensorsFile open(Path file) {
        if (PickledWeights.isPickled(file)) {
            throw PickledWeights.refusal(file, file.toAbsolutePath().getParent());
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new MoelabInputException(file + ": no such file");
        } catch (IOException e) {
            throw new MoelabInputException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return readHeader(file, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new MoelabInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile readHeader(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < LENGTH_PREFIX_BYTES) {
            throw new MoelabInputException(
                    file + ": file is truncated: " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer prefix = readFully(channel, 0, LENGTH_PREFIX_BYTES);
        long headerBytes = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong();
        // The length is a u64: a negative long is a value above 2^63, far over the limit.
        if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) {
            throw new MoelabInputException(file + ": header of " + Long.toUnsignedString(headerBytes)
                    + " bytes exceeds the 100 MB limit (not a safetensors file, or corrupt)");
        }
        long dataStart = LENGTH_PREFIX_BYTES + headerBytes;
        if (dataStart > fileSize) {
            throw new MoelabInputException(file + ": header of " + headerBytes + " bytes runs past the end of the "
                    + fileSize + "-byte file (file truncated)");
        }
        byte[] json = readFully(channel, LENGTH_PREFIX_BYTES, (int) headerBytes).array();
        SafetensorsHeader header = SafetensorsHeader.parse(file, json, fileSize - dataStart);
        return new SafetensorsFile(file, channel, dataStart, header);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    public Path path() {
        return path;
    }

    /** Header entries in file order, excluding {@code __metadata__}. */
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /** The header's {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The tensor's header entry; an unknown name is a {@link MoelabInputException} naming file and tensor. */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new MoelabInputException(path + ": missing tensor '" + name + "'");
        }
        return info;
    }

    /** The tensor as float32 values (F16 and BF16 are upcast exactly), in row-major order. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (info.numel() > Integer.MAX_VALUE - 8) {
            throw new MoelabInputException(path + ": tensor '" + name + "' has " + info.numel()
                    + " elements, too many for a Java array; use readFloatsInto");
        }
        float[] values = new float[(int) info.numel()];
        readFloatsInto(name, FloatBuffer.wrap(values));
        return values;
    }

    /**
     * Writes the tensor's float32 values into {@code dst} from its position on, advancing the position by
     * {@link TensorInfo#numel()}. A direct buffer (such as an ND4J array's nio view) avoids any heap copy of F32 data.
     *
     * @throws IllegalArgumentException if {@code dst} has fewer than numel elements remaining
     */
    public void readFloatsInto(String name, FloatBuffer dst) {
        TensorInfo info = info(name);
        if (dst.remaining() < info.numel()) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + info.numel() + " elements but the buffer"
                    + " has room for " + dst.remaining());
        }
        FloatCodec.decode(rawBytes(name), info.dtype(), dst);
    }

    /** A read-only, little-endian view of the tensor's bytes in the mapped file. */
    public ByteBuffer rawBytes(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new MoelabInputException(
                    path + ": tensor '" + name + "' is " + info.byteLength() + " bytes, more than one buffer can map");
        }
        try {
            // Mapped per tensor, so files beyond the 2 GiB limit of a single mapping still work.
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.dataBegin(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot map tensor '" + name + "'", e);
        }
    }

    /** Closes the file; buffers already returned by {@link #rawBytes} stay readable. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close", e);
        }
    }
}
