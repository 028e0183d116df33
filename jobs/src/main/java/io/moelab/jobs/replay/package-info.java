/** The replay-cache job: a calibration run's routing trace through expert caches, as hit rates. */
package io.moelab.jobs.replay;
