package io.punctual.schemas.health;

/** One part of a Punctual process that must be ready before the process reports itself healthy. */
public interface ReadinessCheck {
    /** Short name shown in the health answer, e.g. "planner". */
    String name();

    boolean isReady();
}
