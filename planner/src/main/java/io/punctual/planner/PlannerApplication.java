package io.punctual.planner;

import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;

/** Runs the planner on its own, configured by Micronaut properties and environment variables, until the JVM is stopped. */
public final class PlannerApplication {
    private PlannerApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeadlessService.runUntilStopped("punctual-planner", ConfigKeys.PLANNER_ENABLED);
    }
}
