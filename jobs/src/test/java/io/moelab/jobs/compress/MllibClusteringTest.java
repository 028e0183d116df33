package io.moelab.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.moelab.compress.method.ExpertClustering;
import io.moelab.jobs.testing.LocalSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MllibClusteringTest {

    @Test
    void mllibAndCommonsMathFindTheSameClustersNumberedAlike() {
        // Points 1 and 3 are equal (experts with identical outputs): each keeps its own label.
        double[][] points = {{0, 0, 1}, {5, 5, 5}, {0.1, 0, 1}, {5, 5, 5}, {9, -9, 0}, {0, 0.1, 1.1}};
        int[] expected = {0, 1, 0, 1, 2, 0};
        SparkSession spark =
                LocalSpark.builder("mllib-clustering-test").master("local[1]").getOrCreate();
        try {
            assertArrayEquals(expected, new MllibClustering().cluster(points, 3, 5));
        } finally {
            spark.stop();
        }
        assertArrayEquals(expected, ExpertClustering.COMMONS_MATH.cluster(points, 3, 5));
    }
}
