package io.punctual.kernel.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code schema.registry.url}, the registry every service reads and writes schemas at (env {@code SCHEMA_REGISTRY_URL}).
 * The registry client's authentication and TLS settings keep Confluent's own names under {@code schema.registry.}
 * (see {@link ConfigKeys#registrySetting}).
 */
@ConfigurationProperties("schema.registry")
public class SchemaRegistryConfig {
    private String url = "http://localhost:8081";

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }
}
