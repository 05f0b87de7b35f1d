package io.punctual.kernel.config;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.value.PropertyResolver;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.RegistryClientSettings;
import io.punctual.schemas.serde.SchemaRegistryClient;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDurability;
import io.punctual.schemas.topic.TopicProvisioner;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Beans every Punctual service shares: the registry, the serdes, the key material and the topics. */
@Factory
public class InfrastructureFactory {

    @Singleton
    SchemaRegistryClient schemaRegistryClient(@Value("${" + ConfigKeys.SCHEMA_REGISTRY_URL + ":`http://localhost:8081`}") String url,
                                              PropertyResolver properties) {
        // Confluent's own names, under schema.registry. (env SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO and so on).
        return new SchemaRegistryClient(url, RegistryClientSettings.from(url,
                name -> properties.get(ConfigKeys.registrySetting(name), String.class)));
    }

    @Singleton
    TopicSerdes topicSerdes(SchemaRegistryClient registry) {
        return new TopicSerdes(registry);
    }

    @Singleton
    KeyMaterial keyMaterial(@Property(name = ConfigKeys.KEYSET_JSON) Optional<String> json,
                            @Property(name = ConfigKeys.KEYSET_PATH) Optional<String> path) {
        if (json.isPresent() && !json.get().isBlank()) {
            return KeyMaterial.fromJson(json.get());
        }
        return path.map(p -> KeyMaterial.read(Path.of(p)))
                .orElseThrow(() -> new IllegalStateException("No key material: set " + ConfigKeys.KEYSET_PATH
                        + " (env PUNCTUAL_KEYSET_PATH) to a keyset file, or " + ConfigKeys.KEYSET_JSON + " (env PUNCTUAL_KEYSET_JSON) to its content"));
    }

    /** Which topics Kafka targets may write to; the gateway, the planner and the executor all check it. */
    @Singleton
    KafkaTopicPolicy kafkaTopicPolicy(@Value("${" + ConfigKeys.KAFKA_TARGET_ALLOWED_TOPIC_PREFIXES + ":}") String allowedPrefixes,
                                      @Value("${" + ConfigKeys.PLANNER_APPLICATION_ID + ":}") String plannerApplicationId) {
        return KafkaTopicPolicy.of(allowedPrefixes, plannerApplicationId);
    }

    @Bean(preDestroy = "close")
    @Singleton
    Admin admin(KafkaSettings kafka) {
        return Admin.create(kafka.clientProperties());
    }

    /** Creating the topics is a dependency of every service: inject {@link TopicsReady} to be started after it. */
    @Singleton
    TopicsReady topicsReady(Admin admin,
                            @Value("${" + ConfigKeys.TOPIC_PARTITIONS + ":6}") int partitions,
                            @Value("${" + ConfigKeys.TOPIC_REPLICATION_FACTOR + ":" + TopicDurability.DEFAULT_REPLICATION_FACTOR + "}") short replicationFactor,
                            @Value("${" + ConfigKeys.TOPIC_MIN_INSYNC_REPLICAS + ":" + TopicDurability.DEFAULT_MIN_INSYNC_REPLICAS + "}") int minInsyncReplicas,
                            @Property(name = ConfigKeys.TOPIC_COMMANDS_MIN_COMPACTION_LAG) Optional<Duration> commandsCompactionLag) {
        TopicProvisioner provisioner = new TopicProvisioner(admin, partitions, new TopicDurability(replicationFactor, minInsyncReplicas,
                commandsCompactionLag.orElse(TopicDurability.DEFAULT_COMMANDS_MIN_COMPACTION_LAG)));
        provisioner.ensureAll();
        return new TopicsReady(provisioner.durability());
    }

    /** Marker: the catalog's topics exist; carries the replication they got, for the topics a service creates itself. */
    public static final class TopicsReady {
        private final TopicDurability durability;

        TopicsReady(TopicDurability durability) {
            this.durability = durability;
        }

        public TopicDurability durability() {
            return durability;
        }
    }
}
