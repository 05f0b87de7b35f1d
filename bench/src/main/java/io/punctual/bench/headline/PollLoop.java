package io.punctual.bench.headline;

/** A daemon thread that runs one step (a poll of the bench's own tails) over and over until closed. */
final class PollLoop implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    PollLoop(String name, Runnable step) {
        thread = new Thread(() -> {
            while (running) {
                step.run();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the current step; the step's own resources may be closed once this returns. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
