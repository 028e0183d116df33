/**
 * The {@code moelab} command line (picocli): each subcommand turns its options into a job's config,
 * starts Spark where the job needs it and prints the job's summary. The jobs themselves live in
 * {@code io.moelab.jobs}.
 */
package io.moelab.cli;
