package io.moelab.jobs.executor;

import io.moelab.model.MoeModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy of each model per JVM, shared by every task the JVM runs. Bounded: past
 * {@code capacity} models the least recently used one is dropped (its off-heap weights are freed
 * when collected). Loading happens under the cache's lock, so tasks that ask for the same model
 * at once wait for a single load instead of loading it twice. Every load is logged at INFO, with
 * this JVM's running count, so an executor's log shows how often it read weights from disk.
 */
public final class ModelCache {
    /** Models kept per executor JVM; a few suffice (evaluation sweeps compare a handful of variants). */
    public static final String CAPACITY_PROPERTY = "moelab.modelCache.capacity";

    public static final int CAPACITY_DEFAULT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    private static final ModelCache EXECUTOR =
            new ModelCache(Integer.getInteger(CAPACITY_PROPERTY, CAPACITY_DEFAULT), MoeModel::load);

    private final int capacity;
    private final Function<Path, MoeModel> loader;
    private final Map<ModelKey, MoeModel> models = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong loads = new AtomicLong();

    ModelCache(int capacity, Function<Path, MoeModel> loader) {
        if (capacity < 1) {
            throw new IllegalArgumentException(CAPACITY_PROPERTY + " must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.loader = loader;
    }

    /** The cache of this JVM. */
    public static ModelCache executor() {
        return EXECUTOR;
    }

    /** The model at a local directory (already staged), loaded on first use. */
    public synchronized MoeModel get(ModelKey key, Path localDirectory) {
        MoeModel model = models.get(key);
        if (model == null) {
            long start = System.nanoTime();
            model = loader.apply(localDirectory);
            long load = loads.incrementAndGet();
            LOG.info(
                    "loaded model {} on {} in {} ms (load #{} in this JVM)",
                    key.uri(),
                    key.device(),
                    (System.nanoTime() - start) / 1_000_000,
                    load);
            models.put(key, model);
            if (models.size() > capacity) {
                ModelKey eldest = models.keySet().iterator().next();
                models.remove(eldest);
            }
        }
        return model;
    }

    /** How many times this JVM loaded a model from disk. */
    public long loads() {
        return loads.get();
    }

    /**
     * What identifies a loaded model: where it comes from, the compute dtype and the device.
     *
     * @param device {@code cpu} or {@code cuda:N}
     */
    public record ModelKey(String uri, String dtype, String device) {}
}
