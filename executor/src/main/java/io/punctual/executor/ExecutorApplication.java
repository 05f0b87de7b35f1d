package io.punctual.executor;

import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;

/** Runs the executor alone: consumes {@code punctual.due} and delivers to Letta until the JVM is asked to stop. */
public final class ExecutorApplication {
    private ExecutorApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeadlessService.runUntilStopped("punctual-executor", ConfigKeys.EXECUTOR_ENABLED);
    }
}
