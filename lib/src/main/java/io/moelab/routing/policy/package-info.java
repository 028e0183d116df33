/**
 * Routing policies for evaluation (docs/METHODS.md §3), written as spec strings that tables record:
 * {@link io.moelab.routing.policy.PolicySpecs} parses them into
 * {@link io.moelab.routing.policy.EvalPolicy}s. Each paper's rule is one class that parses its own
 * spec body and writes it back, registered by name in {@link io.moelab.routing.policy.PolicyRegistry}:
 * top-k override, top-p, temperature, random, rank, expert masks and biases, NAEE skipping, and
 * SCMoE's self-contrast ({@link io.moelab.routing.policy.EvalPolicy.Contrastive},
 * {@link io.moelab.routing.policy.ContrastiveDecoding}).
 */
package io.moelab.routing.policy;
