package io.punctual.executor.letta;

import java.time.Duration;

/** Letta did not answer within the executor's request timeout. */
class LettaTimeoutException extends RuntimeException {
    LettaTimeoutException(Duration timeout) {
        super("no answer within " + timeout.toMillis() + " ms");
    }
}
