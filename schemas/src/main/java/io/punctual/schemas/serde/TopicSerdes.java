package io.punctual.schemas.serde;

import io.punctual.schemas.topic.TopicDef;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Pairs each topic of the catalog with its serdes, over one schema registry. */
public final class TopicSerdes {
    private final SchemaRegistry registry;
    private final Map<Class<?>, Serde<?>> valueSerdes = new ConcurrentHashMap<>();

    public TopicSerdes(SchemaRegistry registry) {
        this.registry = registry;
    }

    public TopicSerdes(String registryUrl) {
        this(new SchemaRegistryClient(registryUrl));
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** Keys are UTF-8 strings on every Punctual topic. */
    public Serde<String> keySerde() {
        return Serdes.String();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public <V> Serde<V> valueSerde(TopicDef<V> topic) {
        if (!topic.isAvro()) {
            return (Serde<V>) Serdes.ByteArray();
        }
        return (Serde<V>) valueSerdes.computeIfAbsent(topic.valueType(),
                type -> new AvroSerde((Class<? extends SpecificRecord>) type, registry));
    }
}
