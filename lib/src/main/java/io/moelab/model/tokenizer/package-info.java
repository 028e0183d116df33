/**
 * Text to token ids and back: Hugging Face {@code tokenizer.json} files via DJL, and a byte-level
 * tokenizer for models trained by moelab. {@link io.moelab.model.tokenizer.Tokenizers#forModel}
 * picks the right one for a model directory.
 */
package io.moelab.model.tokenizer;
