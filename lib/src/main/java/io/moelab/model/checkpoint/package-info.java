/**
 * Safetensors checkpoints: a validating, memory-mapped reader ({@link io.moelab.model.checkpoint.SafetensorsFile}),
 * Hugging Face model directories with optional shards ({@link io.moelab.model.checkpoint.Checkpoint}), a writer
 * ({@link io.moelab.model.checkpoint.SafetensorsWriter}) and exact half-precision conversions
 * ({@link io.moelab.model.checkpoint.HalfFloats}). Pickled PyTorch weights are never loaded.
 */
package io.moelab.model.checkpoint;
