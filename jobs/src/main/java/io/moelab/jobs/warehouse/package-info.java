/**
 * The warehouse: moelab's Parquet tables under one root folder, partitioned by {@code run_id}.
 *
 * <p>{@link io.moelab.jobs.warehouse.TableSchemas} is the schema registry (columns and versions);
 * {@link io.moelab.jobs.warehouse.Warehouse} opens a root and reads tables;
 * {@link io.moelab.jobs.warehouse.RunCommit} writes one run's tables, builder then commit;
 * {@link io.moelab.jobs.warehouse.RunRecord} is the run's lineage row, its config redacted by
 * {@link io.moelab.jobs.warehouse.ConfigRedactor}.
 */
package io.moelab.jobs.warehouse;
