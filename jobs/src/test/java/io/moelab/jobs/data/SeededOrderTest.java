package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.moelab.data.Document;
import io.moelab.data.DocumentSampler;
import io.moelab.eval.task.TaskDocument;
import io.moelab.jobs.testing.LocalSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SeededOrder on a local Spark: the same rows in the same order for any partitioning and input order. */
class SeededOrderTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.builder("SeededOrderTest").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static List<Document> documents(int n) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Document("doc-" + i, "text " + i, i % 2 == 0 ? "even" : "odd"));
        }
        return out;
    }

    @Test
    void theOrderIsDocumentSamplersForAnyPartitioning() {
        List<Document> docs = documents(200);
        List<Document> shuffled = new ArrayList<>(docs);
        Collections.shuffle(shuffled, new Random(1));
        for (long max : new long[] {DocumentSampler.ALL, 17, 1}) {
            List<Document> expected = new DocumentSampler(42).sample(docs, max);
            for (int partitions : new int[] {1, 2, 7}) {
                JavaRDD<Document> rdd = jsc.parallelize(partitions == 2 ? shuffled : docs, partitions);
                assertEquals(
                        expected,
                        SeededOrder.firstOf(rdd, Document::id, 42, max).collect(),
                        max + " documents from " + partitions + " partitions");
            }
        }
    }

    @Test
    void anotherSeedGivesAnotherSample() {
        JavaRDD<Document> rdd = jsc.parallelize(documents(200), 3);
        assertNotEquals(
                SeededOrder.firstOf(rdd, Document::id, 1, 20).collect(),
                SeededOrder.firstOf(rdd, Document::id, 2, 20).collect());
    }

    @Test
    void ordersAnyRowTypeByItsId() {
        List<TaskDocument> rows = new ArrayList<>();
        for (Document d : documents(50)) {
            rows.add(new TaskDocument(d.id(), Map.of("text", d.text())));
        }
        List<String> expected = new DocumentSampler(7)
                .sample(documents(50), 10).stream().map(Document::id).toList();
        List<String> ids = SeededOrder.firstOf(jsc.parallelize(rows, 4), TaskDocument::id, 7, 10).collect().stream()
                .map(TaskDocument::id)
                .toList();
        assertEquals(expected, ids);
    }
}
