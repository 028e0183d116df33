/**
 * The compression jobs: one compression method applied to a model from a statistics run and
 * calibration sequences, written as a new checkpoint with its {@code merge_plans}; and the
 * compression report, which compresses with each method and evaluates every result.
 */
package io.moelab.jobs.compress;
