package io.moelab.merge;

import io.moelab.model.checkpoint.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The checkpoints of one merge, opened (memory-mapped, headers only) so that tensors can be merged
 * one at a time: at any moment only the tensor being merged is in memory, once per model plus its
 * result. Call {@link MergeCompatibility#check} first; this class assumes the checkpoints match.
 */
public final class CheckpointMerge implements AutoCloseable {
    private final MergeMethod method;
    private final Checkpoint base;
    private final List<Checkpoint> models;

    private CheckpointMerge(MergeMethod method, Checkpoint base, List<Checkpoint> models) {
        this.method = method;
        this.base = base;
        this.models = models;
    }

    /** Opens the config's checkpoints, which are local paths. */
    public static CheckpointMerge open(MergeConfig config) {
        return open(config, Path::of);
    }

    /**
     * Opens the config's checkpoints from the local directories {@code locate} gives for their paths
     * or URIs; it is asked only for the checkpoints the method reads.
     */
    public static CheckpointMerge open(MergeConfig config, Function<String, Path> locate) {
        List<Checkpoint> opened = new ArrayList<>();
        try {
            // linear never reads the base, even when the config names one
            Checkpoint base = config.method().usesTaskVectors() ? open(locate.apply(config.baseModel()), opened) : null;
            List<Checkpoint> models = new ArrayList<>();
            for (MergeModel model : config.models()) {
                models.add(open(locate.apply(model.path()), opened));
            }
            return new CheckpointMerge(config.newMethod(), base, List.copyOf(models));
        } catch (RuntimeException e) {
            opened.forEach(Checkpoint::close);
            throw e;
        }
    }

    private static Checkpoint open(Path dir, List<Checkpoint> opened) {
        Checkpoint checkpoint = Checkpoint.open(dir);
        opened.add(checkpoint);
        return checkpoint;
    }

    /** The merged float32 values of one tensor. */
    public float[] tensor(String name) {
        List<float[]> values = new ArrayList<>(models.size());
        for (Checkpoint model : models) {
            values.add(model.floats(name));
        }
        return method.merge(name, base == null ? null : base.floats(name), values);
    }

    @Override
    public void close() {
        if (base != null) {
            base.close();
        }
        models.forEach(Checkpoint::close);
    }
}
