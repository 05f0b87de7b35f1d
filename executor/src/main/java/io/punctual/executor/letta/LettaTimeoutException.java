package io.punctual.executor.letta;

import java.time.Duration;

/** Letta did not answer within the executor's request timeout. */
public class LettaTimeoutException extends RuntimeException {
    public LettaTimeoutException(Duration timeout) {
        super("no answer within " + timeout.toMillis() + " ms");
    }
}
