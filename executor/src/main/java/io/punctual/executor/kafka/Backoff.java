package io.punctual.executor.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Growing pauses between retries after failures, cut short when the loop is stopped. */
final class Backoff {
    private static final Duration FIRST = Duration.ofMillis(200);
    private static final Duration MAX = Duration.ofSeconds(10);

    private final CountDownLatch stopped;
    private Duration next = FIRST;

    Backoff(CountDownLatch stopped) {
        this.stopped = stopped;
    }

    void pause() {
        try {
            stopped.await(next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
    }

    void reset() {
        next = FIRST;
    }
}
