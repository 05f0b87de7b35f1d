package io.punctual.gateway;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;

@OpenAPIDefinition(info = @Info(title = "Punctual", version = "1",
        description = "Schedules messages to Letta agents (and webhooks, Kafka topics). Three doors: /v1 (the full model), "
                + "/schedules and /results (the Letta Schedules API), /v1/agents/{agent_id}/schedule (Letta's own). "
                + "Authenticate with 'Authorization: Bearer <Letta API key>'. Errors are application/problem+json."))
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
