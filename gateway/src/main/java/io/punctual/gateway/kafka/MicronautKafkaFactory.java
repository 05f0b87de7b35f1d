package io.punctual.gateway.kafka;

import io.micronaut.configuration.kafka.admin.AdminClientFactory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;

/** The one admin client of a Punctual service, for micronaut-kafka too. */
@Factory
class MicronautKafkaFactory {

    /**
     * micronaut-kafka's {@link AdminClientFactory} would open a second admin client for its own users (the
     * consumer-group manager of {@code @KafkaListener}s, the health indicator; neither is active in Punctual, which
     * has no listener and its own readiness checks). They get the service's one admin client instead
     * ({@code InfrastructureFactory#admin}, which is {@code @Primary} for injections of {@link Admin} because this
     * bean is one too). Not closed here: its owner closes it.
     */
    @Singleton
    @Replaces(factory = AdminClientFactory.class, bean = AdminClient.class)
    AdminClient adminClient(Admin admin) {
        // Admin.create builds a KafkaAdminClient, which is an AdminClient.
        return (AdminClient) admin;
    }
}
