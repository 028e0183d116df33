package io.moelab.model.checkpoint;

import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * File handling shared by everything that writes a new Hugging Face model directory from an
 * existing one or from nothing (compression, model merging, random checkpoints): the files besides
 * config.json and the weights that carry over unchanged, writing a directory that appears whole or
 * not at all, and removing a directory tree again.
 */
public final class ModelDirectory {
    /** Tokenizer and generation files a Hugging Face model directory carries over from its source. */
    public static final List<String> COMPANION_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "tokenizer.model",
            "vocab.json",
            "merges.txt",
            "added_tokens.json",
            "generation_config.json");

    private ModelDirectory() {}

    /** Copies whichever of {@link #COMPANION_FILES} {@code source} has into {@code target}. */
    public static void copyCompanionFiles(Path source, Path target) throws IOException {
        for (String name : COMPANION_FILES) {
            Path file = source.resolve(name);
            if (Files.isRegularFile(file)) {
                Files.copy(file, target.resolve(name));
            }
        }
    }

    /** What goes into a model directory, written into the staging folder it is given. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path staging) throws IOException;
    }

    /**
     * Writes {@code contents} into a staging folder beside {@code output}, then renames it to
     * {@code output} atomically; on any failure the staging folder is removed and nothing appears.
     *
     * @throws MoelabInputException if {@code output} exists
     * @throws UncheckedIOException if a file cannot be written
     */
    public static void writeStaged(Path output, Contents contents) {
        if (Files.exists(output)) {
            throw new MoelabInputException(output + ": already exists; choose a new output directory");
        }
        Path staging = output.toAbsolutePath()
                .getParent()
                .resolve("." + output.getFileName() + ".staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            contents.writeInto(staging);
            Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + output + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
