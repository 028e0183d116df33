package io.moelab.jobs.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.moelab.jobs.executor.ModelCache.ModelKey;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.model.MoeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    private static final Path MIXTRAL =
            Path.of(System.getProperty("moelab.shared", "../../shared"), "fixtures/hf/mixtral");

    @Test
    void concurrentTasksAskingForOneModelLoadItOnce() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        ModelCache cache = new ModelCache(2, dir -> {
            loads.incrementAndGet();
            return MoeModel.load(dir);
        });
        ModelKey key = new ModelKey(MIXTRAL.toString(), "float32", "cpu");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<MoeModel>> models = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            models.add(pool.submit(() -> cache.get(key, MIXTRAL)));
        }
        for (Future<MoeModel> model : models) {
            assertSame(models.get(0).get(), model.get());
        }
        pool.shutdown();
        assertEquals(1, loads.get());
        assertEquals(1, cache.loads());
    }

    @Test
    void leastRecentlyUsedModelIsDroppedPastCapacity() {
        ModelCache cache = new ModelCache(2, MoeModel::load);
        ModelKey a = new ModelKey("a", "float32", "cpu");
        ModelKey b = new ModelKey("b", "float32", "cpu");
        ModelKey c = new ModelKey("c", "float32", "cpu");
        cache.get(a, MIXTRAL);
        cache.get(b, MIXTRAL);
        cache.get(a, MIXTRAL); // a is now the most recent
        cache.get(c, MIXTRAL); // drops b
        assertEquals(3, cache.loads());
        cache.get(a, MIXTRAL);
        assertEquals(3, cache.loads());
        cache.get(b, MIXTRAL);
        assertEquals(4, cache.loads());
    }

    @Test
    void sevenPartitionsInOneExecutorJvmLoadTheModelOnce(@TempDir Path dir) throws Exception {
        // A fresh copy gives a key no other test in this JVM has used.
        Path model = Files.createDirectories(dir.resolve("model"));
        for (String file : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(MIXTRAL.resolve(file), model.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String uri = model.toString();
        long before = ModelCache.executor().loads();
        SparkSession spark = LocalSpark.builder("model-cache-test").getOrCreate();
        try {
            List<Integer> vocabularies = new JavaSparkContext(spark.sparkContext())
                    .parallelize(List.of(1, 2, 3, 4, 5, 6, 7), 7)
                    .map(i -> ModelCache.executor()
                            .get(new ModelKey(uri, "float32", "cpu"), Path.of(uri))
                            .config()
                            .vocabSize())
                    .collect();
            assertEquals(List.of(256, 256, 256, 256, 256, 256, 256), vocabularies);
        } finally {
            spark.stop();
        }
        assertEquals(before + 1, ModelCache.executor().loads(), "local[2] runs every task in this JVM: one load");
    }
}
