package io.punctual.executor.delivery;

import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.letta.LettaAnswer;
import io.punctual.executor.letta.LettaClient;
import io.punctual.executor.letta.LettaRequest;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.letta.LettaMessagesJson;
import io.punctual.schemas.secrets.ApiKeyCipher;
import io.punctual.schemas.secrets.KeyMaterial;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Delivers a fire as one message call to its Letta agent and turns whatever happens into an {@link ExecutionResult}. */
@Singleton
public class LettaDeliverer implements Deliverer {
    private static final Logger LOG = LoggerFactory.getLogger(LettaDeliverer.class);
    static final int MAX_DETAIL_BODY_CHARS = 500;
    static final String UNDECRYPTABLE_KEY = "api key could not be decrypted";

    private final LettaClient letta;
    private final ApiKeyCipher cipher;
    private final String defaultBaseUrl;
    private final Clock clock = Clock.systemUTC();

    public LettaDeliverer(LettaClient letta, KeyMaterial keys, ExecutorSettings settings) {
        this.letta = letta;
        this.cipher = keys.apiKeyCipher();
        this.defaultBaseUrl = settings.defaultLettaBaseUrl();
    }

    @Override
    public CompletableFuture<ExecutionResult> deliver(DueEvent fire) {
        Instant startedAt = clock.instant();
        if (!(fire.getTarget() instanceof LettaTarget target)) {
            return CompletableFuture.completedFuture(ExecutionResults.failed(fire, startedAt, clock.instant(), null,
                    "target type " + fire.getTarget().getClass().getSimpleName() + " is not delivered by this executor"));
        }
        String apiKey;
        try {
            apiKey = cipher.decrypt(target.getApiKeyCiphertext(), fire.getScheduleId());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The cause says nothing useful and must not risk echoing key material.
            LOG.warn("Fire {} of schedule {}: {}", fire.getFireId(), fire.getScheduleId(), UNDECRYPTABLE_KEY);
            return CompletableFuture.completedFuture(ExecutionResults.failed(fire, startedAt, clock.instant(), null, UNDECRYPTABLE_KEY));
        }
        String baseUrl = target.getBaseUrl() != null && !target.getBaseUrl().isBlank() ? target.getBaseUrl() : defaultBaseUrl;
        LettaRequest request = new LettaRequest(baseUrl, target.getAgentId(), target.getMode(), apiKey,
                LettaMessagesJson.requestBody(target), fire.getFireId());
        return letta.send(request).handle((answer, error) -> error == null
                ? fromAnswer(fire, request, startedAt, answer)
                : fromError(fire, request, startedAt, error));
    }

    private ExecutionResult fromAnswer(DueEvent fire, LettaRequest request, Instant startedAt, LettaAnswer answer) {
        Instant finishedAt = clock.instant();
        if (answer.isSuccess()) {
            return ExecutionResults.delivered(fire, startedAt, finishedAt, answer.status(), answer.runId().orElse(null));
        }
        LOG.info("Fire {}: {} answered {}", fire.getFireId(), request, answer.status());
        String detail = answer.status() + " " + answer.bodyExcerpt(MAX_DETAIL_BODY_CHARS);
        return ExecutionResults.failed(fire, startedAt, finishedAt, answer.status(), detail.strip());
    }

    private ExecutionResult fromError(DueEvent fire, LettaRequest request, Instant startedAt, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.info("Fire {}: {} failed: {}", fire.getFireId(), request, detail);
        return ExecutionResults.failed(fire, startedAt, clock.instant(), null, detail);
    }
}
