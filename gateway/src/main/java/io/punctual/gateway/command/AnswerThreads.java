package io.punctual.gateway.command;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that finish writes once the planner has answered: they complete each write's future, and what
 * follows it (rendering the response, handing it to Netty) runs there. Two threads with a queue rather than the
 * blocking pool: the tails hand over the answers of a whole poll at once, and a pool thread per answer cost a
 * thread wake-up and two context switches each (the pool's hand-offs, requests' and answers', were a quarter of
 * its CPU in the creates profile).
 * Nothing that follows an answer may block here; a continuation that waits (an idempotent retry's wait for the
 * view) moves to the blocking pool itself.
 */
@Singleton
@Named(AnswerThreads.NAME)
public class AnswerThreads implements Executor {
    /** The qualifier of this executor. */
    public static final String NAME = "gateway-answers";
    private static final int THREADS = 2;

    private final ExecutorService threads;

    public AnswerThreads() {
        AtomicInteger n = new AtomicInteger();
        threads = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, NAME + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable command) {
        try {
            threads.execute(command);
        } catch (RejectedExecutionException stopped) {
            // Stopping: a late answer is finished on the tail's thread rather than thrown at it.
            command.run();
        }
    }

    @PreDestroy
    void close() {
        threads.shutdown();
    }
}
