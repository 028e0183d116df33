package io.moelab.merge;

import java.io.Serializable;

/**
 * One fine-tuned model of a merge config.
 *
 * @param index   its position in the config's {@code models:} list (names it in {@code merge_plans} and
 *                seeds its DARE masks)
 * @param path    its checkpoint directory, absolute
 * @param weight  {@code w_i}
 * @param density share of its task vector kept by TIES or DARE (1 for the other methods)
 */
public record MergeModel(int index, String path, double weight, double density) implements Serializable {}
