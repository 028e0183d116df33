/**
 * How a MoE layer's router logits become experts and gates: the {@link io.moelab.routing.RoutingPolicy}
 * contract, each family's native rule, and the observer interface through which statistics and
 * traces see every routing decision. Reads only the base floor ({@code io.moelab.moe}); the
 * policies users name in specs live in {@code routing.policy}.
 */
package io.moelab.routing;
