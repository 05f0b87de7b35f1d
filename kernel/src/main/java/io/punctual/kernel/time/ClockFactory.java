package io.punctual.kernel.time;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The services' one clock, a bean so that a test can replace it (a fixed or stepped clock) and every part that
 * stamps times (deliverers, retries, run following) reads the same one.
 */
@Factory
public class ClockFactory {
    /** Secondary: a test's own {@code Clock} singleton takes its place. */
    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }
}
