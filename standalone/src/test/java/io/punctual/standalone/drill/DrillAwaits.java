package io.punctual.standalone.drill;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility fails a wait when any thread of the JVM dies of an exception. In a drill a service thread may die
 * of the failure and be replaced (the planner's stream thread when the registry is gone, for one): that is part
 * of what the drill survives, and the drill judges by the fires' results, so its waits ignore such deaths.
 */
final class DrillAwaits implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Awaitility.reset();
    }
}
