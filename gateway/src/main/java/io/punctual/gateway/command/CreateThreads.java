package io.punctual.gateway.command;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run creates ({@code @ExecuteOn(CreateThreads.NAME)}): a fixed pool of twice the cores with a
 * queue, rather than Micronaut's blocking pool. A create never waits on its thread (the caller is resolved by
 * {@code CallerFilter} before it, the planner's answer arrives on {@link AnswerThreads}, an idempotent retry's
 * wait for the view moves to the blocking pool), so a few threads serve any number in flight; the blocking pool,
 * which starts a thread whenever none is idle, ran the creates row on 88 threads in 20 s and its hand-offs cost a
 * fifth of the request threads' CPU. Routes that may wait (reads behind the read barrier, the other doors) stay on
 * the blocking pool.
 */
@Factory
public class CreateThreads {
    /** The qualifier of this executor. */
    public static final String NAME = "gateway-creates";

    @Singleton
    @Named(NAME)
    @Bean(preDestroy = "shutdown")
    ExecutorService createThreads() {
        int threads = 2 * Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, NAME + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
