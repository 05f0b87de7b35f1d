package io.punctual.gateway.command;

import io.micronaut.configuration.kafka.annotation.KafkaClient;
import io.micronaut.configuration.kafka.annotation.KafkaKey;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import io.punctual.schemas.ScheduleCommand;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.CompletableFuture;

/**
 * The gateway's one producer of schedule commands, implemented by micronaut-kafka: acknowledged by all in-sync
 * replicas, idempotent (a retried send is never a second command). The client's base configuration is
 * {@code kafka.*} as every Punctual client reads it (see {@code kafka/}), then {@code kafka.producers.punctual-gateway-commands.*},
 * where {@code application.yml} sets {@code linger.ms} to 5 (why: there); the value is written in the Confluent wire
 * format by Punctual's own Avro serde ({@code kafka/TopicSerdeRegistry}); the key is the schedule id as a UTF-8
 * string. The properties below override any configuration, so the guarantees cannot be configured away.
 */
@KafkaClient(id = CommandProducer.CLIENT_ID, acks = KafkaClient.Acknowledge.ALL, properties = {
        @Property(name = ProducerConfig.CLIENT_ID_CONFIG, value = CommandProducer.CLIENT_ID),
        @Property(name = ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, value = "true")})
interface CommandProducer {
    String CLIENT_ID = "punctual-gateway-commands";

    /**
     * Hands the command to the producer and returns at once: the future completes when the broker has it, or fails
     * (also when the command could not even be serialized, for example with the schema registry down), so no thread
     * waits per request.
     */
    CompletableFuture<RecordMetadata> send(@Topic String topic, @KafkaKey String scheduleId, ScheduleCommand command);
}
