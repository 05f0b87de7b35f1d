package io.punctual.gateway;

import io.micronaut.runtime.Micronaut;

/** Runs the gateway on its own against an external cluster (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL). */
public final class GatewayApplication {
    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(GatewayApplication.class, args);
    }
}
