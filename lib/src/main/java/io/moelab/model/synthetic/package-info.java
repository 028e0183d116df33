/**
 * Checkpoints of seeded random weights with the widths of real models, written tensor by tensor for benchmarks at real
 * size: the tensors a config's family loads ({@link io.moelab.model.synthetic.TensorLayout}), Hugging Face's default
 * init per tensor ({@link io.moelab.model.synthetic.SeededInit}), the published shapes of real models
 * ({@link io.moelab.model.synthetic.ShapePreset}) and the writer ({@link io.moelab.model.synthetic.RandomCheckpointWriter}).
 */
package io.moelab.model.synthetic;
