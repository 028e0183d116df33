/**
 * Datasets read with Spark: listing files and telling their format ({@link io.moelab.jobs.data.DatasetFiles}),
 * stable document ids, checks and filters ({@link io.moelab.jobs.data.IdentifiedRows}), the seeded order
 * that is the same for any partitioning ({@link io.moelab.jobs.data.SeededOrder}), and what the jobs read:
 * calibration documents and sequences ({@link io.moelab.jobs.data.DatasetSource}) and task rows
 * ({@link io.moelab.jobs.data.TaskDocuments}).
 */
package io.moelab.jobs.data;
