package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;
import org.junit.jupiter.api.Test;

/** The activation estimate against figures worked out by hand from tiny configs (float32: 4 bytes a value). */
class ActivationMemoryTest {

    @Test
    void mixtralFiguresMatchTheHandCount() {
        MoeConfig config = MoeConfig.fromJson("""
                {"model_type": "mixtral", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 6,
                 "num_local_experts": 4, "num_experts_per_tok": 2}""", "tiny mixtral");
        // 10 tokens in sequences of 5; head_dim 8 / 2 = 4, so q is 8 wide and k, v 4 wide each.
        ActivationMemory memory = ActivationMemory.of(config, 10, 5);
        assertEquals(4 * 10 * 8, memory.residualStream());
        assertEquals(4 * 2 * 10 * 2 * 4, memory.kvCache()); // layers × tokens × (k, v) × kv width
        assertEquals(4 * 10 * 16, memory.logits());
        assertEquals(4 * 10 * 2 * 5, memory.attentionScores()); // tokens × heads × sequence length
        // input 8 + q 8 + k, v 2 × 4 + keys, values per query head 2 × 8 + context 8 + o output 8 = 56 per token
        assertEquals(4 * (10 * 56 + 100), memory.attention());
        // input 80 + router logits 10 × 4 + 20 routed pairs × (input 8 + gate 6 + up 6 + down 8) + output 80
        assertEquals(4 * (80 + 40 + 20 * 28 + 80), memory.moeBlock());
        assertEquals(0, memory.denseMlp());
        assertEquals(320 + 640 + 640 + 2640 + 3040, memory.total());
    }

    @Test
    void denseLayersAndAGatedSharedExpertAreCounted() {
        MoeConfig config = MoeConfig.fromJson("""
                {"model_type": "qwen2_moe", "vocab_size": 32, "hidden_size": 8, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 20,
                 "moe_intermediate_size": 4, "shared_expert_intermediate_size": 6, "num_experts": 4,
                 "num_experts_per_tok": 1, "mlp_only_layers": [1]}""", "tiny qwen2_moe");
        // 3 tokens in sequences of 7; q, k and v are all 8 wide.
        ActivationMemory memory = ActivationMemory.of(config, 3, 7);
        assertEquals(4 * 3 * 8, memory.residualStream());
        assertEquals(4 * 2 * 3 * 2 * 8, memory.kvCache());
        assertEquals(4 * 3 * 32, memory.logits());
        assertEquals(4 * 3 * 2 * 7, memory.attentionScores());
        assertEquals(4 * (3 * (8 + 8 + 16 + 16 + 8 + 8) + 42), memory.attention());
        // input 24 + router 12 + 3 pairs × (8 + 4 + 4 + 8) + shared 3 × (6 + 6 + 8) + gate logit 3 + output 24
        assertEquals(4 * (24 + 12 + 72 + 60 + 3 + 24), memory.moeBlock());
        assertEquals(4 * 3 * (8 + 20 + 20 + 8), memory.denseMlp()); // input, gate, up, down
        // the larger feed-forward block (MoE, 780 bytes) counts, not both
        assertEquals(96 + 384 + 384 + 936 + 780, memory.total());
    }

    @Test
    void refusesAnEmptySequence() {
        MoeConfig config = MoeConfig.fromJson(TinyCheckpoints.OLMOE, "tiny olmoe");
        assertThrows(MoelabInputException.class, () -> ActivationMemory.of(config, 1000, 0));
    }
}
