package io.punctual.kernel.config;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.value.PropertyResolver;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.schemas.serde.RegistryClientSettings;
import io.punctual.schemas.serde.SchemaRegistryClient;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDurability;
import io.punctual.schemas.topic.TopicProvisioner;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.util.Optional;

/** Beans every Punctual service shares: the registry, the serdes, the key material and the topics. */
@Factory
public class InfrastructureFactory {

    @Singleton
    SchemaRegistryClient schemaRegistryClient(SchemaRegistryConfig registry, PropertyResolver properties) {
        String url = registry.getUrl();
        // Confluent's own names, under schema.registry. (env SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO and so on).
        return new SchemaRegistryClient(url, RegistryClientSettings.from(url,
                name -> properties.get(ConfigKeys.registrySetting(name), String.class)));
    }

    @Singleton
    TopicSerdes topicSerdes(SchemaRegistryClient registry) {
        return new TopicSerdes(registry);
    }

    @Singleton
    KeyMaterial keyMaterial(SharedConfig config) {
        String json = config.getKeyset().getJson();
        if (json != null && !json.isBlank()) {
            return KeyMaterial.fromJson(json);
        }
        return Optional.ofNullable(config.getKeyset().getPath()).map(p -> KeyMaterial.read(Path.of(p)))
                .orElseThrow(() -> new IllegalStateException("No key material: set " + ConfigKeys.KEYSET_PATH
                        + " (env PUNCTUAL_KEYSET_PATH) to a keyset file, or " + ConfigKeys.KEYSET_JSON + " (env PUNCTUAL_KEYSET_JSON) to its content"));
    }

    /** Which topics Kafka targets may write to; the gateway, the planner and the executor all check it. */
    @Singleton
    KafkaTopicPolicy kafkaTopicPolicy(SharedConfig config,
                                      @Property(name = ConfigKeys.PLANNER_APPLICATION_ID) Optional<String> plannerApplicationId) {
        // The planner's own key, read here only if set: a gateway or executor configured without it reserves no prefix (as before).
        return KafkaTopicPolicy.of(config.getKafkaTarget().getAllowedTopicPrefixes(), plannerApplicationId.orElse(""));
    }

    /** Which webhook URLs are allowed; the gateway, the planner and the executor all check it. */
    @Singleton
    WebhookUrlPolicy webhookUrlPolicy(SharedConfig config) {
        return config.getWebhook().policy();
    }

    /** {@code @Primary}: the gateway hands this client to micronaut-kafka as an {@code AdminClient} bean too. */
    @Bean(preDestroy = "close")
    @Singleton
    @Primary
    Admin admin(KafkaSettings kafka) {
        return Admin.create(kafka.clientProperties());
    }

    /** Creating the topics is a dependency of every service: inject {@link TopicsReady} to be started after it. */
    @Singleton
    TopicsReady topicsReady(Admin admin, SharedConfig config) {
        SharedConfig.Topics topics = config.getTopics();
        TopicProvisioner provisioner = new TopicProvisioner(admin, topics.getPartitions(), topics.durability());
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
