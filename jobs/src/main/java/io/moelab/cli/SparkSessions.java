package io.moelab.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: local[*] and quiet logs when embedded, spark-submit's settings otherwise. */
final class SparkSessions {
    private SparkSessions() {}

    static SparkSession forCommand(String appName, String master) {
        SparkSession.Builder builder =
                SparkSession.builder().appName(appName).config("spark.ui.showConsoleProgress", "true");
        boolean embedded = master != null || !new SparkConf().contains("spark.master");
        if (embedded) {
            builder.master(master != null ? master : "local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        if (embedded) {
            // As spark-shell does: INFO logs would drown the progress bar and the summary.
            spark.sparkContext().setLogLevel("WARN");
            // A failed task's exception reaches the driver, which prints it as one line; the executor's
            // and scheduler's ERROR copies with stack traces would only bury it.
            Configurator.setLevel("org.apache.spark.executor.Executor", Level.OFF);
            Configurator.setLevel("org.apache.spark.scheduler.TaskSetManager", Level.OFF);
        }
        return spark;
    }
}
