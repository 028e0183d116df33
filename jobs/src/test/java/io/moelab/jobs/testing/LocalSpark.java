package io.moelab.jobs.testing;

import org.apache.spark.sql.SparkSession;

/** Small local Spark sessions for tests: two cores, no UI, loopback only, UTC. */
public final class LocalSpark {
    private LocalSpark() {}

    /** A builder with the test settings; callers add their own config and call {@code getOrCreate()}. */
    public static SparkSession.Builder builder(String appName) {
        return SparkSession.builder()
                .appName(appName)
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.session.timeZone", "UTC");
    }
}
