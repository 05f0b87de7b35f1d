package io.punctual.gateway.json;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Jackson modules of the gateway's object mapper (Micronaut registers every {@link Module} bean). Blackbird reads
 * the answer records' accessors through generated lambdas: with plain reflection, {@code Method.invoke} was about a
 * tenth of the request threads' samples when a page of schedules was rendered.
 */
@Factory
class JsonModules {

    @Singleton
    Module blackbird() {
        return new BlackbirdModule();
    }
}
