/**
 * The MoE forward pass in ND4J: weights loaded from safetensors ({@code model.checkpoint}),
 * tokenizers ({@code model.tokenizer}), attention with RoPE and a KV cache, sparse expert
 * execution, observers and routing policies applied per MoE layer, split over threads by
 * sequence. Logits match Hugging Face transformers' within float32 rounding.
 */
package io.moelab.model;
