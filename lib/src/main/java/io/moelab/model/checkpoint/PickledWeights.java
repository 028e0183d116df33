package io.moelab.model.checkpoint;

import io.moelab.MoelabInputException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Recognises pickled PyTorch weight files and explains why and how to replace them with safetensors. */
final class PickledWeights {

    private static final Set<String> EXTENSIONS = Set.of(".bin", ".pt", ".pth", ".ckpt");

    private PickledWeights() {}

    static boolean isPickled(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** The error for pickled weights at {@code where} (a file or a model directory). */
    static MoelabInputException refusal(Path where, Path modelDir) {
        // Unpickling executes code stored in the file, so such weights are refused rather than parsed.
        return new MoelabInputException(where + ": pickled PyTorch weights (.bin/.pt/.pth/.ckpt) are never loaded,"
                + " because unpickling can run arbitrary code; convert the model to safetensors first, e.g. "
                + "python -c \"from transformers import AutoModelForCausalLM as M; M.from_pretrained('" + modelDir
                + "').save_pretrained('OUT', safe_serialization=True)\"");
    }
}
