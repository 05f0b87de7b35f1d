package io.punctual.gateway;

import io.micronaut.runtime.Micronaut;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.config.HeadlessService;

/** Runs the gateway on its own against an external cluster (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL). */
public final class GatewayApplication {
    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(GatewayApplication.class)
                .properties(HeadlessService.onlyService(ConfigKeys.GATEWAY_ENABLED))
                .start();
    }
}
