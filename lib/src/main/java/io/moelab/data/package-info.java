/**
 * Datasets for calibration and evaluation, independent of Spark: {@link io.moelab.data.Document}s,
 * their deterministic global order and sampling ({@link io.moelab.data.DocumentSampler}), and
 * cutting tokenized documents into model inputs ({@link io.moelab.data.Sequencer},
 * {@link io.moelab.data.SequencingOptions}). The Spark reader is {@code io.moelab.jobs.data}.
 */
package io.moelab.data;
