package io.punctual.gateway.kafka;

import io.micronaut.configuration.kafka.serde.SerdeRegistry;
import io.micronaut.core.order.Ordered;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDef;
import io.punctual.schemas.topic.Topics;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Serde;

/**
 * Gives micronaut-kafka Punctual's own serde for every Avro type of the topic catalog: the Confluent wire format
 * through Punctual's registry client ({@link TopicSerdes}), the same serde instance every other Punctual client
 * uses. A {@code SerdeRegistry} rather than serializer classes in a client's properties, because Kafka would build
 * those reflectively, without the registry client and its settings. Ahead of micronaut-kafka's JSON registry,
 * which would otherwise take any class; types outside the catalog fall through to it (strings, the keys, never get
 * here: micronaut-kafka gives Kafka's own serde for them first).
 */
@Singleton
class TopicSerdeRegistry implements SerdeRegistry {
    private final TopicSerdes serdes;

    TopicSerdeRegistry(TopicSerdes serdes) {
        this.serdes = serdes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Serde<T> getSerde(Class<T> type) {
        for (TopicDef<?> topic : Topics.ALL) {
            if (topic.isAvro() && topic.valueType() == type) {
                return (Serde<T>) serdes.valueSerde(topic);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
