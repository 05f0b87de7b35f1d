package io.punctual.schemas.topic;

/** Kafka cleanup policy of a topic. */
public enum Cleanup {
    /** Keep the latest record per key: for state and commands. */
    COMPACT("compact"),
    /** Delete by age: for events. */
    DELETE("delete");

    private final String policy;

    Cleanup(String policy) {
        this.policy = policy;
    }

    public String policy() {
        return policy;
    }
}
