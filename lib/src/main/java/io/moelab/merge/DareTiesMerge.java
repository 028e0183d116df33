package io.moelab.merge;

import java.util.List;

/**
 * {@code dare_ties}: DARE's random drop and rescale on each task vector ({@link DareMerge}) in place
 * of TIES's magnitude trim, then TIES's sign election and agreeing-entry mix; {@code normalize}
 * defaults to false as in mergekit, so the agreeing entries are summed unless it is set.
 */
public final class DareTiesMerge extends DareMerge {

    public DareTiesMerge(List<MergeModel> models, double lambda, boolean normalize, DareRescale rescale, long seed) {
        super(models, lambda, normalize, rescale, seed, true);
    }
}
