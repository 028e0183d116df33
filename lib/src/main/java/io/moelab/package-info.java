/** moelab's engine: MoE models, routing, statistics, compression and evaluation, without Spark. */
package io.moelab;
