/**
 * Linear algebra for expert compression, with no Spark and no model types: linear assignment,
 * weighted sums,
 * Sub-MoE's joint SVD merge, MC-SMoE's low-rank plus sparse compression.
 *
 * <p>What is hand-written and why: the assignment solver ({@link io.moelab.compress.linalg.LinearAssignment}
 * says why no library fits). Everything else is OpenBLAS — sgemm, ssyrk and LAPACK's ssytrd, sstedc and sormtr —
 * called through JavaCPP on native buffers that are freed as soon as a computation ends
 * ({@code NativeMatrix} says why not through ND4J's arrays). Matrices come and go as row-major
 * float[] in Hugging Face's [out × in] layouts.
 */
package io.moelab.compress.linalg;
