package io.moelab.jobs.compress;

import io.moelab.compress.method.ExpertClustering;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Sub-MoE's K-means on Spark MLlib (k-means||, seeded), in the job's active session. */
public final class MllibClustering implements ExpertClustering {

    @Override
    public int[] labels(double[][] points, int k, long seed) {
        SparkSession spark = SparkSession.active();
        List<Row> rows = new ArrayList<>();
        for (double[] point : points) {
            rows.add(RowFactory.create(Vectors.dense(point)));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
        KMeansModel model = new KMeans()
                .setK(k)
                .setSeed(seed)
                .setMaxIter(100)
                .fit(spark.createDataFrame(rows, schema).coalesce(1));
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            labels[i] = model.predict(Vectors.dense(points[i]));
        }
        return labels;
    }
}
