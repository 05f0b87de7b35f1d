package io.punctual.kernel.health;

/**
 * One part of a Punctual process. Ready: it can do its work now (a Kafka outage makes it unready). Alive: it can
 * still recover on its own; only a part that cannot should fail liveness, since that restarts the process.
 */
public interface ReadinessCheck {
    /** Short name shown in the health answer, e.g. "planner". */
    String name();

    boolean isReady();

    /** False only when restarting the process is the way out (e.g. a Kafka Streams client in ERROR). */
    default boolean isAlive() {
        return true;
    }
}
