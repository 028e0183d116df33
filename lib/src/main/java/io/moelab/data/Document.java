package io.moelab.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * One document of a dataset: a stable id, its text and an optional label (for example the domain).
 *
 * <p>The id identifies the document across runs and partitionings: it is the dataset's id column
 * when there is one, otherwise derived from the file and the row's position in it. Sampling and
 * sequencing order documents by id (see {@link DocumentSampler}), never by where they were read.
 *
 * @param id    stable, unique within the dataset; not null
 * @param text  the document's text; not null
 * @param label optional label, null when the dataset has none
 */
public record Document(String id, String text, String label) implements Serializable {
    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
