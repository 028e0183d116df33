package io.moelab.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the shards of a multi-threaded forward: the first on the calling thread, the others on
 * shared daemon threads. Idle threads are kept for five minutes, because each holds an ND4J layer
 * workspace that it would otherwise have to learn again.
 */
final class ForwardThreads {
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final ExecutorService POOL =
            new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.MINUTES, new SynchronousQueue<>(), task -> {
                Thread thread = new Thread(task, "moelab-forward-" + NUMBER.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    private ForwardThreads() {}

    /** Starts a computation on a pool thread. */
    static <T> CompletableFuture<T> supply(Supplier<T> computation) {
        return CompletableFuture.supplyAsync(computation, POOL);
    }

    /** Runs every task and returns when all have finished; the first failure is rethrown as it was thrown. */
    static void runAll(List<Runnable> tasks) {
        List<Future<?>> others = new ArrayList<>();
        for (Runnable task : tasks.subList(1, tasks.size())) {
            others.add(POOL.submit(task));
        }
        RuntimeException failure = null;
        try {
            tasks.get(0).run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException runtime
                            ? runtime
                            : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for forward threads", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
