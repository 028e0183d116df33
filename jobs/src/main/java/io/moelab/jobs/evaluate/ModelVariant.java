package io.moelab.jobs.evaluate;

import io.moelab.MoelabInputException;
import java.io.Serializable;

/**
 * A model under evaluation: the name its rows carry ({@code model_variant}) and where it is. Written
 * {@code name=path} on the command line, or just {@code path}, named after its last path segment.
 */
public record ModelVariant(String name, String uri) implements Serializable {

    public static ModelVariant parse(String spec) {
        int eq = spec.indexOf('=');
        // "s3a://b/x=y" has '=' after a '/': that is a path, not a name.
        boolean named = eq > 0 && spec.lastIndexOf('/', eq) < 0;
        String uri = named ? spec.substring(eq + 1) : spec;
        String name = named ? spec.substring(0, eq) : lastSegment(uri);
        if (uri.isBlank() || name.isBlank()) {
            throw new MoelabInputException("--model '" + spec + "': expected PATH or NAME=PATH");
        }
        return new ModelVariant(name, uri);
    }

    private static String lastSegment(String uri) {
        String trimmed = uri.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
