package io.moelab.moe;

/** Where a family applies RMSNorm to queries and keys before RoPE. */
public enum QkNorm {
    /** Mixtral, Qwen2-MoE, DeepSeek-MoE. */
    NONE,
    /** OLMoE: over the whole q (and k) projection output, before splitting into heads. */
    WHOLE_PROJECTION,
    /** Qwen3-MoE: over each head's head_dim slice, weights of size head_dim shared by all heads. */
    PER_HEAD
}
