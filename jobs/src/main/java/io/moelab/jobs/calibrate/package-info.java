/**
 * The calibration job: a model run over a dataset's sequences on Spark executors, its exact routing
 * statistics merged and committed as one run of the warehouse tables.
 */
package io.moelab.jobs.calibrate;
