package io.moelab.bench;

import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** A random-weight Mixtral checkpoint for the benchmarks: matrices N(0, 0.02²), norms 1, seed 0. */
final class RandomMixtralCheckpoint {
    private RandomMixtralCheckpoint() {}

    /** Writes a Mixtral {@code configJson} with random weights in {@code dtype} into {@code dir}. */
    static Path write(String configJson, DType dtype, Path dir) throws IOException {
        MoeConfig c = MoeConfig.fromJson(configJson, "bench config");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson);
        Random random = new Random(0);
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        int h = c.hiddenSize();
        int q = c.attention().numHeads() * c.attention().headDim();
        int kv = c.attention().numKvHeads() * c.attention().headDim();
        matrix(writer, dtype, random, "model.embed_tokens.weight", c.vocabSize(), h);
        for (int l = 0; l < c.layers().numLayers(); l++) {
            String p = "model.layers." + l + ".";
            ones(writer, dtype, p + "input_layernorm.weight", h);
            ones(writer, dtype, p + "post_attention_layernorm.weight", h);
            matrix(writer, dtype, random, p + "self_attn.q_proj.weight", q, h);
            matrix(writer, dtype, random, p + "self_attn.k_proj.weight", kv, h);
            matrix(writer, dtype, random, p + "self_attn.v_proj.weight", kv, h);
            matrix(writer, dtype, random, p + "self_attn.o_proj.weight", h, q);
            matrix(
                    writer,
                    dtype,
                    random,
                    p + "block_sparse_moe.gate.weight",
                    c.experts().numExperts(),
                    h);
            for (int e = 0; e < c.experts().numExperts(); e++) {
                String x = p + "block_sparse_moe.experts." + e + ".";
                matrix(writer, dtype, random, x + "w1.weight", c.experts().expertIntermediate(), h);
                matrix(writer, dtype, random, x + "w3.weight", c.experts().expertIntermediate(), h);
                matrix(writer, dtype, random, x + "w2.weight", h, c.experts().expertIntermediate());
            }
        }
        ones(writer, dtype, "model.norm.weight", h);
        matrix(writer, dtype, random, "lm_head.weight", c.vocabSize(), h);
        writer.write(dir.resolve("model.safetensors"));
        return dir;
    }

    private static void matrix(SafetensorsWriter writer, DType dtype, Random random, String name, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.02);
        }
        writer.add(name, dtype, new long[] {rows, cols}, values);
    }

    private static void ones(SafetensorsWriter writer, DType dtype, String name, int width) {
        float[] values = new float[width];
        java.util.Arrays.fill(values, 1f);
        writer.add(name, dtype, new long[] {width}, values);
    }
}
