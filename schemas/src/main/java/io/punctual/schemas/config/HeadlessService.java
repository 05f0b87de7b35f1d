package io.punctual.schemas.config;

import io.micronaut.context.ApplicationContext;

import java.util.concurrent.CountDownLatch;

/** Runs a service without an HTTP server (planner, executor) until the JVM is asked to stop. */
public final class HeadlessService {
    private HeadlessService() {
    }

    public static void runUntilStopped(String name) throws InterruptedException {
        ApplicationContext context = ApplicationContext.run();
        CountDownLatch closed = new CountDownLatch(1);
        // ApplicationContext.run() registers no shutdown hook (only Micronaut.run does); closing the context lets
        // each service finish cleanly: the planner leaves its group, the executor commits or abandons its batch.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            closed.countDown();
        }, name + "-shutdown"));
        closed.await();
    }
}
