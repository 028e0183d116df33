/**
 * Runs a compression method over a whole model and writes the result: calibration inputs
 * layer-wise or progressive, NAEE's dynamic-skipping thresholds, the compressed model in the
 * smaller-router or exact-router form, and the staged Hugging Face checkpoint with its model card.
 */
package io.moelab.compress.pipeline;
