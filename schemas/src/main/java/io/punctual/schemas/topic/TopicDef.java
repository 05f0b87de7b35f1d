package io.punctual.schemas.topic;

import java.time.Duration;
import java.util.Optional;

/**
 * One topic of the catalog: its name, how it is cleaned up, what its key means and the type of its value.
 *
 * @param name       topic name, always prefixed {@code punctual.}
 * @param cleanup    compaction or deletion
 * @param keyMeaning what the (string) key holds, e.g. "schedule id"
 * @param valueType  the Avro record class of the value, or {@code byte[].class} for raw dead letters
 * @param retention  how long records are kept; empty for compacted topics (kept until superseded)
 */
public record TopicDef<V>(String name, Cleanup cleanup, String keyMeaning, Class<V> valueType, Optional<Duration> retention) {

    public boolean isAvro() {
        return valueType != byte[].class;
    }

    /** The registry subject of the value schema (Confluent's TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }
}
