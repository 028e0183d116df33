/**
 * One class per expert-compression paper (docs/METHODS.md §2): frequency and random pruning,
 * NAEE, M-SMoE and its uniform baseline, MC-SMoE, Sub-MoE, DERN and mixed-precision experts,
 * with the helpers they share (pruning, grouping, group merging, neuron alignment, rounding).
 * Each class's Javadoc cites its paper and says where moelab had to choose.
 */
package io.moelab.compress.method;
