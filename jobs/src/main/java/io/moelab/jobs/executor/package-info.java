/** What runs once per executor JVM: the model cache, model staging from remote storage, GPU binding. */
package io.moelab.jobs.executor;
