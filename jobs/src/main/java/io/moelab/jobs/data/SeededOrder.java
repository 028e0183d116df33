package io.moelab.jobs.data;

import io.moelab.data.DocumentSampler;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import scala.Tuple2;

/**
 * {@link DocumentSampler}'s seeded global order on Spark: rows sorted by MurmurHash3 of (seed, id), the
 * first {@code maxDocuments} kept. The order depends on the ids and the seed only, so 1 or N partitions,
 * in any input order, give the same rows in the same order, and the same as
 * {@link DocumentSampler#sample} in memory.
 */
final class SeededOrder {
    private SeededOrder() {}

    /**
     * {@code rows} in the seed's global order, the first {@code maxDocuments} ({@link DocumentSampler#ALL}
     * for all).
     *
     * @param id the row's document id; ids are unique
     */
    static <T> JavaRDD<T> firstOf(JavaRDD<T> rows, Function<T, String> id, long seed, long maxDocuments) {
        DocumentSampler sampler = new DocumentSampler(seed);
        int partitions = Math.max(1, rows.getNumPartitions());
        JavaRDD<T> sorted = rows.sortBy(r -> sampler.key(id.call(r)), true, partitions);
        if (maxDocuments == DocumentSampler.ALL) {
            return sorted;
        }
        return sorted.zipWithIndex().filter(t -> t._2() < maxDocuments).map(Tuple2::_1);
    }
}
