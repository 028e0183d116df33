package io.moelab.compress.method;

import java.io.Serializable;

/**
 * What a compression method is built with besides its own parameters: inputs the run shares with
 * other steps or supplies from its platform, so they are not flags of any one method.
 *
 * @param seed       the run's seed (random pruning's draw, Sub-MoE's K-means initialisation)
 * @param clustering Sub-MoE's K-means (the Spark job passes MLlib's)
 */
public record MethodContext(long seed, ExpertClustering clustering) implements Serializable {}
