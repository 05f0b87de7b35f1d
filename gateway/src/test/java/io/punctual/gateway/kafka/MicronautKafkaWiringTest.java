package io.punctual.gateway.kafka;

import io.micronaut.configuration.kafka.ConsumerRegistry;
import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.configuration.kafka.config.KafkaProducerConfiguration;
import io.micronaut.configuration.kafka.metrics.KafkaConsumerMetrics;
import io.micronaut.configuration.kafka.metrics.KafkaProducerMetrics;
import io.micronaut.configuration.kafka.serde.SerdeRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * micronaut-kafka reads the Kafka configuration every other Punctual client reads, shares the one admin client, and
 * writes Avro with Punctual's own serde. No broker: nothing here connects.
 */
class MicronautKafkaWiringTest {
    /** No service runs (the planner and executor are on the test classpath too); only the beans asked for are made. */
    private static final Map<String, Object> NO_SERVICE = Map.of(ConfigKeys.GATEWAY_ENABLED, false, ConfigKeys.PLANNER_ENABLED, false,
            ConfigKeys.EXECUTOR_ENABLED, false);

    private static ApplicationContext run(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(NO_SERVICE);
        all.putAll(properties);
        return ApplicationContext.run(all);
    }

    @Test
    void micronautKafkasConfigurationIsKafkaSettings() {
        try (ApplicationContext context = run(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "broker-a:9093,broker-b:9093",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.health.enabled", false,
                "kafka.producers.punctual-gateway-commands.compression.type", "zstd"))) {
            Map<String, Object> expected = context.getBean(KafkaSettings.class).clientProperties();
            assertThat(expected).containsEntry("bootstrap.servers", "broker-a:9093,broker-b:9093").containsEntry("security.protocol", "SASL_SSL");
            assertThat(context.getBean(KafkaDefaultConfiguration.class).getConfig()).isEqualTo(expected);
        }
    }

    @Test
    void withNoKafkaPropertyTheDefaultBootstrapServersStillApply() {
        try (ApplicationContext context = run(Map.of())) {
            assertThat(context.getBean(KafkaDefaultConfiguration.class).getConfig())
                    .containsEntry("bootstrap.servers", KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS);
        }
    }

    @Test
    void oneAdminClientServesPunctualAndMicronautKafka() {
        try (ApplicationContext context = run(Map.of(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "localhost:1"))) {
            Admin admin = context.getBean(Admin.class);
            assertThat(context.getBeansOfType(Admin.class)).allSatisfy(each -> assertThat(each).isSameAs(admin));
            assertThat(context.getBean(AdminClient.class)).isSameAs(admin);
        }
    }

    /**
     * Nothing of micronaut-kafka runs by itself in any context that carries the gateway (the standalone, the bench):
     * no listener processor (there is no @KafkaListener), no Kafka client meters (off, see application.yml). Its
     * health indicator cannot load at all: it needs micronaut-management, which Punctual does not use.
     */
    @Test
    void micronautKafkaStartsNothingOfItsOwn() {
        try (ApplicationContext context = run(Map.of())) {
            assertThat(context.getActiveBeanRegistrations(ConsumerRegistry.class)).isEmpty();
            assertThat(context.containsBean(KafkaProducerMetrics.class)).isFalse();
            assertThat(context.containsBean(KafkaConsumerMetrics.class)).isFalse();
        }
    }

    @Test
    void avroValuesUsePunctualsOwnSerde() {
        try (ApplicationContext context = run(Map.of(ConfigKeys.SCHEMA_REGISTRY_URL, "http://localhost:1"))) {
            assertThat(context.getBean(SerdeRegistry.class).getSerde(ScheduleCommand.class))
                    .isSameAs(context.getBean(TopicSerdes.class).valueSerde(Topics.COMMANDS));
        }
    }

    /** The command producer batches 5 ms of creates (application.yml says why), and an operator can change that. */
    @Test
    void theCommandProducerLingersFiveMillisecondsUnlessConfigured() {
        try (ApplicationContext context = run(Map.of())) {
            assertThat(commandProducerConfig(context).get("linger.ms")).hasToString("5");
        }
        try (ApplicationContext context = run(Map.of("kafka.producers.punctual-gateway-commands.linger.ms", 0))) {
            assertThat(commandProducerConfig(context).get("linger.ms")).hasToString("0");
        }
    }

    private static Map<Object, Object> commandProducerConfig(ApplicationContext context) {
        return context.getBean(KafkaProducerConfiguration.class, Qualifiers.byName("punctual-gateway-commands")).getConfig();
    }
}
