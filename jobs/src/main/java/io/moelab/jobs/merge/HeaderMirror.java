package io.moelab.jobs.merge;

import io.moelab.MoelabInputException;
import io.moelab.jobs.executor.ModelStager;
import io.moelab.merge.MergeCompatibility;
import io.moelab.merge.MergeConfig;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.s3a.Constants;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * The driver's local stand-ins for remote checkpoints ({@code s3a://}), holding just what the
 * driver reads: for each checkpoint a folder with every file of it at its full size, but only
 * config.json, the index and the other JSON and tokenizer files copied whole, each safetensors
 * file's header copied (ranged reads), and the rest left as holes of a sparse file. So the
 * compatibility check ({@link MergeCompatibility}) and the copy of config.json and tokenizer into
 * the output run on local files as for a local checkpoint, while the weights stay in the store:
 * the executors download those ({@code ModelStager}). The tensor data of a stand-in reads as zeros
 * and must never be merged. Local checkpoints are used in place. {@link #close} deletes the stand-ins.
 */
final class HeaderMirror implements AutoCloseable {
    /** safetensors' own limit (SafetensorsFile refuses larger headers, and so copies no more). */
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Configuration hadoop;
    private final Map<String, Path> standIns = new LinkedHashMap<>();
    private Path root;

    HeaderMirror(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /**
     * {@link MergeCompatibility#check} on the stand-ins; its messages name the checkpoints' URIs,
     * not the stand-ins.
     */
    List<TensorInfo> check(MergeConfig config) {
        try {
            return MergeCompatibility.check(config, this::localDirectory);
        } catch (MoelabInputException e) {
            String message = e.getMessage();
            for (Map.Entry<String, Path> standIn : standIns.entrySet()) {
                message = message.replace(standIn.getValue().toString(), standIn.getKey());
            }
            throw new MoelabInputException(message, e);
        }
    }

    /**
     * The local directory to read {@code checkpoint}'s config, headers and tokenizer from: the
     * checkpoint itself when local, else its stand-in, made on first use.
     *
     * @throws MoelabInputException if a remote checkpoint is not a directory
     */
    Path localDirectory(String checkpoint) {
        if (!HadoopUris.isRemote(checkpoint)) {
            return HadoopUris.localPath(checkpoint);
        }
        Path standIn = standIns.get(checkpoint);
        if (standIn == null) {
            try {
                standIn = mirror(checkpoint);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the headers of " + checkpoint, e);
            }
            standIns.put(checkpoint, standIn);
        }
        return standIn;
    }

    private Path mirror(String checkpoint) throws IOException {
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(checkpoint);
        FileSystem fs = remote.getFileSystem(hadoop);
        FileStatus status;
        try {
            status = fs.getFileStatus(remote);
        } catch (FileNotFoundException e) {
            throw new MoelabInputException(
                    checkpoint + ": no such directory (expected a Hugging Face model directory with model.safetensors)",
                    e);
        }
        if (!status.isDirectory()) {
            throw new MoelabInputException(checkpoint
                    + ": is not a directory (expected a Hugging Face model directory with model.safetensors)");
        }
        if (root == null) {
            root = Files.createTempDirectory("moelab-merge-headers-");
        }
        // Fixed-length names: no stand-in's path is a prefix of another's, so check() can map messages back.
        Path standIn = Files.createDirectory(root.resolve(ModelStager.uriDigest(checkpoint)));
        for (FileStatus file : fs.listStatus(remote)) {
            if (file.isFile()) {
                mirrorFile(fs, file, standIn.resolve(file.getPath().getName()));
            }
        }
        return standIn;
    }

    private static void mirrorFile(FileSystem fs, FileStatus file, Path standIn) throws IOException {
        String name = file.getPath().getName();
        try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(file.getPath())
                        // s3a: ranged GETs of what is read, not one GET streaming the whole object
                        .opt(Constants.INPUT_FADVISE, Constants.INPUT_FADV_RANDOM)
                        .build());
                RandomAccessFile out = new RandomAccessFile(standIn.toFile(), "rw")) {
            long length = file.getLen();
            long copied;
            if (name.endsWith(".safetensors")) {
                copied = headerBytes(in, length);
            } else if (name.endsWith(".json") || ModelDirectory.COMPANION_FILES.contains(name)) {
                copied = length;
            } else {
                copied = 0; // e.g. pickled weights: only their names matter, for Checkpoint's refusal
            }
            byte[] bytes = new byte[Math.toIntExact(copied)];
            in.readFully(0, bytes);
            out.write(bytes);
            out.setLength(length);
        }
    }

    /**
     * How much of a safetensors file the header takes: its 8-byte length and the JSON. A length
     * that is out of range copies the 8 bytes only, for Checkpoint to refuse as for a local file.
     */
    private static long headerBytes(FSDataInputStream in, long fileLength) throws IOException {
        if (fileLength < LENGTH_PREFIX_BYTES) {
            return fileLength;
        }
        byte[] prefix = new byte[LENGTH_PREFIX_BYTES];
        in.readFully(0, prefix);
        long json = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        boolean valid = json >= 0 && json <= MAX_HEADER_BYTES && LENGTH_PREFIX_BYTES + json <= fileLength;
        return valid ? LENGTH_PREFIX_BYTES + json : LENGTH_PREFIX_BYTES;
    }

    @Override
    public void close() {
        if (root != null) {
            ModelDirectory.deleteTree(root);
        }
    }
}
