/**
 * Benchmarks as main classes (not tests): forward, calibration and multiple-choice throughput and
 * compression linear algebra at Mixtral's expert width. The shell scripts in {@code bench/} run
 * them; {@code bench/RESULTS.md} holds the figures with their commands.
 */
package io.moelab.bench;
