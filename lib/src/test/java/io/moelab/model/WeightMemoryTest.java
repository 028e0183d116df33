package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight bytes per residency mode, by hand on mixed-dtype headers and against the bundled checkpoint's file. */
class WeightMemoryTest {

    @Test
    void mixedDtypesAndATiedHeadCountTheirRealBytes() {
        MoeConfig config = MoeConfig.fromJson("""
                {"model_type": "mixtral", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 6,
                 "num_local_experts": 2, "num_experts_per_tok": 1, "tie_word_embeddings": true}""", "tiny tied mixtral");
        Headers headers = new Headers()
                .add("model.embed_tokens.weight", DType.BF16, 16, 8) // 256 stored, 512 float32
                .add("model.norm.weight", DType.F32, 8) // 32, 32
                .add("model.layers.0.self_attn.q_proj.weight", DType.BF16, 8, 8) // 128, 256
                .add("model.layers.0.block_sparse_moe.experts.0.w1.weight", DType.F16, 6, 8) // 96, 192
                .add("model.layers.0.input_layernorm.weight", DType.F32, 8) // 32, 32
                .add("model.layers.1.self_attn.q_proj.weight", DType.F32, 8, 8) // 256, 256
                .add("model.layers.1.block_sparse_moe.experts.0.w1.weight", DType.BF16, 6, 8); // 96, 192
        WeightMemory memory = WeightMemory.of(config, headers.tensors);

        assertEquals(new WeightMemory.LayerBytes(1, true, 352, 448), memory.largestLayer());
        assertNull(memory.largestMoeLayer(), "every layer is MoE: no split");
        assertNull(memory.largestDenseLayer());
        assertTrue(memory.tiedLmHead());
        // The float32 load copies the 16 × 8 embeddings into the head: 512 more.
        assertEquals(new WeightMemory.Bytes(288, 512 + 32 + 512), memory.embeddingsAndHead());
        // The tied head is a float32 copy (no widening) and layer 1's q is float32 already: layer 0's BF16 q is the
        // largest matrix a matmul widens.
        assertEquals(
                new WeightMemory.WideningBuffer("model.layers.0.self_attn.q_proj.weight", 256),
                memory.wideningBuffer());
        assertEquals(288 + 256 + 352, memory.storedTotal());
        assertEquals(1056 + 480 + 448, memory.float32Held());
        // Held as STORED holds them: embedding, norms and the tied head's copy in float32 (512 + 32 + 512 outside the
        // layers, 128 + 96 + 32 in layer 0), matrices as stored (352 in layer 1).
        assertEquals(1056 + 256 + 352 + 256, memory.resident());
        assertEquals(352 + 256 + 1056, memory.streamed());
    }

    @Test
    void denseAndMoeLayersAreReportedApartAndUntiedEmbeddingsAreNotWidened() {
        MoeConfig config = MoeConfig.fromJson("""
                {"model_type": "qwen2_moe", "vocab_size": 32, "hidden_size": 8, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 20,
                 "moe_intermediate_size": 4, "num_experts": 4, "num_experts_per_tok": 1, "mlp_only_layers": [0]}""", "tiny qwen2_moe");
        Headers headers = new Headers()
                .add("model.embed_tokens.weight", DType.BF16, 32, 8) // 512, 1024: gathered, never widened
                .add("lm_head.weight", DType.F32, 32, 8) // 1024, 1024: already float32
                .add("model.layers.0.mlp.gate_proj.weight", DType.BF16, 20, 8) // 320, 640
                .add("model.layers.1.mlp.experts.0.gate_proj.weight", DType.BF16, 4, 8) // 64, 128
                .add("model.layers.1.mlp.gate.weight", DType.BF16, 4, 8); // 64, 128
        WeightMemory memory = WeightMemory.of(config, headers.tensors);

        WeightMemory.LayerBytes dense = new WeightMemory.LayerBytes(0, false, 320, 640);
        assertEquals(dense, memory.largestLayer());
        assertEquals(dense, memory.largestDenseLayer());
        assertEquals(new WeightMemory.LayerBytes(1, true, 128, 256), memory.largestMoeLayer());
        assertFalse(memory.tiedLmHead());
        assertEquals(new WeightMemory.Bytes(1536, 2048), memory.embeddingsAndHead());
        assertEquals(
                new WeightMemory.WideningBuffer("model.layers.0.mlp.gate_proj.weight", 640), memory.wideningBuffer());
        assertEquals(1536 + 320 + 128, memory.storedTotal());
        assertEquals(2048 + 640 + 256, memory.float32Held());
        // The embedding is held as float32 (1024), the float32 head as stored (1024).
        assertEquals(2048 + 320 + 128 + 640, memory.resident());
        assertEquals(320 + 640 + 2048, memory.streamed());
    }

    @Test
    void theBundledCheckpointsStoredBytesAreItsDataSection() throws IOException {
        // Surefire runs in lib/: the bundled model is models/trained-moe of this checkout (BF16).
        Path model = Path.of("").toAbsolutePath().getParent().resolve("models/trained-moe");
        MoeConfig config = MoeConfig.load(model.resolve("config.json"));
        WeightMemory memory;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            memory = WeightMemory.of(config, checkpoint);
        }
        assertEquals(dataSectionBytes(model.resolve("model.safetensors")), memory.storedTotal());
        long parameters = config.parameterCount().total();
        assertEquals(2 * parameters, memory.storedTotal(), "BF16: two bytes a parameter");
        assertEquals(4 * parameters, memory.float32Held(), "untied: every parameter once, widened");
        // The largest matrices are 256 × 128 (experts' w1 and w3, the LM head): one float32 copy.
        assertEquals(256 * 128 * 4, memory.wideningBuffer().bytes());
        assertEquals(
                MoeModel.load(model, WeightPrecision.STORED).weightBytes() + 256 * 128 * 4,
                memory.resident(),
                "what the loaded model holds, plus one widening buffer");
        long layerHeld = 0;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            for (String name : checkpoint.tensorNames()) {
                TensorInfo info = checkpoint.info(name);
                if (name.startsWith("model.layers.0.")) {
                    layerHeld += info.shape().length == 2 ? info.byteLength() : 4 * info.numel();
                }
            }
        }
        assertEquals(memory.resident() - 3 * layerHeld, memory.streamed(), "one of four identical layers held");
        assertEquals(
                memory.storedTotal(),
                config.layers().numLayers() * memory.largestLayer().stored()
                        + memory.embeddingsAndHead().stored(),
                "four identical layers");
    }

    /** The file's size after its 8-byte header length and the JSON header, read independently of moelab. */
    private static long dataSectionBytes(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            return channel.size() - 8 - length.getLong(0);
        }
    }

    /** Header entries laid out back to back, as a safetensors writer lays out the data. */
    private static final class Headers {
        final List<TensorInfo> tensors = new ArrayList<>();
        private long end;

        Headers add(String name, DType dtype, long... shape) {
            long bytes = dtype.byteSize();
            for (long dim : shape) {
                bytes *= dim;
            }
            tensors.add(new TensorInfo(name, dtype, shape, end, end + bytes));
            end += bytes;
            return this;
        }
    }
}
