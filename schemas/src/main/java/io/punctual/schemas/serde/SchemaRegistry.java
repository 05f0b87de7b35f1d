package io.punctual.schemas.serde;

import org.apache.avro.Schema;

import java.time.Duration;

/**
 * What the serdes need of a Confluent-compatible schema registry: {@link SchemaRegistryClient} over HTTP in every
 * service; unit tests that need only schema ids (the planner's TopologyTestDriver tests) use an in-memory one.
 */
public interface SchemaRegistry {
    /** Registers the schema under the subject (or finds it registered already) and returns its global id. */
    int register(String subject, Schema schema);

    /** Looks up the id of a schema already registered under the subject, without registering it. */
    int lookup(String subject, Schema schema);

    /** The writer schema with this global id. */
    Schema schemaById(int id);

    /** Whether the registry answers within {@code timeout}, for health checks. */
    boolean ping(Duration timeout);
}
