/**
 * Expert compression's contract: a {@link io.moelab.compress.CompressionMethod} turns one MoE
 * layer's weights ({@link io.moelab.compress.MoeLayerWeights}) and calibration data
 * ({@link io.moelab.compress.LayerCalibration}) into a {@link io.moelab.compress.CompressedLayer}
 * with its merge plan. The methods themselves live in {@code compress.method}, the walk over a
 * model and the checkpoint export in {@code compress.pipeline}; both build on this package and
 * neither on the other.
 */
package io.moelab.compress;
