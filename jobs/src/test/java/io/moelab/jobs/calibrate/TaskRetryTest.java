package io.moelab.jobs.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.data.CalibrationSequence;
import io.moelab.data.SequencingOptions;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.jobs.data.DatasetSource;
import io.moelab.jobs.data.SerializableTokenizerFactory;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.stats.StatsOptions;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** A task that dies half-way through its first attempt is retried, and the merged counts are still exact. */
class TaskRetryTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** local mode: tasks run in this JVM, so the test sees how many attempts failed. */
    private static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();

    @Test
    void retriedTaskGivesTheSameStatistics() {
        SparkSession spark =
                LocalSpark.builder("retry-test").master("local[2,3]").getOrCreate();
        try {
            String model = ROOT.resolve("models/trained-moe").toString();
            DatasetOptions data = DatasetOptions.builder(
                            ROOT.resolve("datasets/calibration-mix").toString())
                    .idColumn("id")
                    .labelColumn("label")
                    .maxDocuments(24)
                    .build();
            JavaRDD<CalibrationSequence> sequences = new DatasetSource(spark, data)
                    .sequences(
                            SerializableTokenizerFactory.forModel(model, 256),
                            256,
                            SequencingOptions.forIds(SequencingOptions.Mode.PACK, 128, 2, 3))
                    .cache();
            StatsOptions stats = new StatsOptions(true, true, true, 1e-6, true, 0, 0, 0);
            CalibrationWorker worker = new CalibrationWorker(
                    model, new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()), stats);

            PartitionResult clean = CalibrationJob.routeAll(sequences, 4, 5, worker);
            PartitionResult retried =
                    CalibrationJob.routeAll(sequences, 4, 5, new FailsFirstAttemptOfPartition(worker, 2));

            assertEquals(1, FAILED_ATTEMPTS.get(), "partition 2's first attempt failed once");
            assertTrue(clean.tokens() > 0);
            assertEquals(clean.tokens(), retried.tokens());
            assertEquals(clean.sequences(), retried.sequences());
            assertEquals(clean.statistics(), retried.statistics(), "statistics after a retry equal a clean run's");
        } finally {
            spark.stop();
        }
    }

    /** Runs the real worker, but the first attempt of one partition consumes a batch and then dies. */
    private record FailsFirstAttemptOfPartition(CalibrationWorker worker, int partition)
            implements FlatMapFunction<Iterator<Tuple2<Long, Iterable<CalibrationSequence>>>, PartitionResult> {
        @Override
        public Iterator<PartitionResult> call(Iterator<Tuple2<Long, Iterable<CalibrationSequence>>> batches)
                throws Exception {
            TaskContext task = TaskContext.get();
            if (task.partitionId() == partition && task.attemptNumber() == 0) {
                worker.call(java.util.List.of(batches.next()).iterator());
                FAILED_ATTEMPTS.incrementAndGet();
                throw new IllegalStateException("injected failure in partition " + partition + ", attempt 0");
            }
            return worker.call(batches);
        }
    }
}
