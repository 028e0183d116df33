package io.moelab.compress.method;

import io.moelab.MoelabInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * K-means over expert feature vectors, from a library: commons-math's k-means++ here in the
 * engine; the Spark job plugs in MLlib's KMeans. Returns the cluster of each expert, clusters
 * numbered 0..k−1 by their lowest member index, so the numbering does not depend on the library.
 */
public interface ExpertClustering extends Serializable {

    /** Raw cluster labels of the points (any numbering); fewer than k distinct labels is allowed. */
    int[] labels(double[][] points, int k, long seed);

    default int[] cluster(double[][] points, int k, long seed) {
        int[] raw = labels(points, k, seed);
        int[] renumbered = new int[raw.length];
        java.util.Map<Integer, Integer> order = new java.util.HashMap<>();
        for (int i = 0; i < raw.length; i++) {
            renumbered[i] = order.computeIfAbsent(raw[i], label -> order.size());
        }
        if (order.size() != k) {
            throw new MoelabInputException("k-means gave " + order.size() + " non-empty clusters of experts, " + k
                    + " needed (experts with identical outputs?)");
        }
        return renumbered;
    }

    /** commons-math3's k-means++ with a seeded generator, at most 1,000 iterations. */
    ExpertClustering COMMONS_MATH = (points, k, seed) -> {
        JDKRandomGenerator random = new JDKRandomGenerator();
        random.setSeed(seed);
        List<DoublePoint> list = new ArrayList<>();
        // By identity: experts with equal outputs are equal points, and each must keep its own index.
        java.util.Map<DoublePoint, Integer> index = new java.util.IdentityHashMap<>();
        for (double[] point : points) {
            DoublePoint p = new DoublePoint(point);
            index.put(p, list.size());
            list.add(p);
        }
        List<CentroidCluster<DoublePoint>> clusters = new KMeansPlusPlusClusterer<DoublePoint>(
                        k,
                        1000,
                        new org.apache.commons.math3.ml.distance.EuclideanDistance(),
                        random,
                        KMeansPlusPlusClusterer.EmptyClusterStrategy.LARGEST_VARIANCE)
                .cluster(list);
        int[] labels = new int[points.length];
        for (int c = 0; c < clusters.size(); c++) {
            for (DoublePoint member : clusters.get(c).getPoints()) {
                labels[index.get(member)] = c;
            }
        }
        return labels;
    };
}
