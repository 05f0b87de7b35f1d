package io.punctual.gateway.kafka;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.env.Environment;
import io.punctual.kernel.config.KafkaSettings;
import jakarta.inject.Singleton;

import java.util.Properties;

/**
 * micronaut-kafka's base configuration for every client it builds, holding exactly what every other Punctual
 * client uses: {@link KafkaSettings#clientProperties()}, so there is one Kafka configuration surface.
 *
 * <p>micronaut-kafka's own {@link KafkaDefaultConfiguration} (a) exists only when some {@code kafka.*} property is
 * set, so a gateway left on the default {@code localhost:9092} would have no producer configuration at all, and
 * (b) reads {@code kafka.*} by its own rules (it keeps {@code health.*} and {@code enabled} as client properties,
 * turns every value into a string). This replacement always exists and has the same bootstrap servers (also when
 * the standalone jar sets them at start, as a property of its context), the same security and other {@code kafka.*}
 * settings, the same default. Per-client overrides under {@code kafka.producers.<client id>.*} still apply on top,
 * as micronaut-kafka documents. A subclass rather than a factory method: a factory method's bean would carry the
 * original's {@code @Requires(property = "kafka")} along with its type.
 */
@Singleton
@Replaces(KafkaDefaultConfiguration.class)
class KafkaSettingsConfiguration extends KafkaDefaultConfiguration {

    KafkaSettingsConfiguration(Environment environment, KafkaSettings kafka) {
        super(environment);
        Properties properties = getConfig();
        properties.clear();
        properties.putAll(kafka.clientProperties());
    }
}
