package io.punctual.executor.letta;

import io.punctual.executor.config.DeliverySettings;
import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.retry.FailedAttempts;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers a fire as one message call to its Letta agent and turns whatever happens into an {@link Attempt}.
 * With overlap policy SKIP it first asks Letta whether the schedule's previous run is still going.
 */
@Singleton
public class LettaDeliverer {
    private static final Logger LOG = LoggerFactory.getLogger(LettaDeliverer.class);
    static final String UNDECRYPTABLE_KEY = "api key could not be decrypted";
    /** Run statuses of a run that has not finished (Letta's Run object). */
    static final Set<String> UNFINISHED_RUN = Set.of("created", "running");
    static final String COMPLETED = "completed";

    private final LettaClient letta;
    private final ApiKeyCipher cipher;
    private final LettaBaseUrls baseUrls;
    private final int replyMaxChars;
    private final Clock clock;

    public LettaDeliverer(LettaClient letta, KeyMaterial keys, ExecutorSettings settings, DeliverySettings delivery, Clock clock) {
        this.letta = letta;
        this.clock = clock;
        this.cipher = keys.apiKeyCipher();
        this.baseUrls = new LettaBaseUrls(settings.defaultLettaBaseUrl(), delivery.allowedLettaBaseUrls());
        this.replyMaxChars = delivery.replyMaxChars();
    }

    public CompletableFuture<Attempt> deliver(DueEvent fire, LettaTarget target) {
        Instant startedAt = clock.instant();
        String baseUrl = baseUrls.resolve(target.getBaseUrl());
        if (!baseUrls.isAllowed(baseUrl)) {
            return done(FailedAttempts.refused(fire, startedAt, clock.instant(), "Letta base URL " + baseUrl + " is not on the allow-list"));
        }
        String apiKey;
        try {
            apiKey = cipher.decrypt(target.getApiKeyCiphertext(), fire.getScheduleId());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The cause says nothing useful and must not risk echoing key material.
            LOG.warn("Fire {} of schedule {}: {}", fire.getFireId(), fire.getScheduleId(), UNDECRYPTABLE_KEY);
            return done(FailedAttempts.refused(fire, startedAt, clock.instant(), UNDECRYPTABLE_KEY));
        }
        LettaRequest request = new LettaRequest(baseUrl, target.getAgentId(), target.getMode(), apiKey,
                LettaMessagesJson.requestBody(target), fire.getFireId());
        String previousRun = fire.getPreviousLettaRunId();
        if (fire.getOverlap() == OverlapPolicy.SKIP && previousRun != null && !previousRun.isBlank()) {
            return letta.run(baseUrl, apiKey, previousRun).handle((answer, error) -> {
                if (error != null) {
                    return CompletableFuture.completedFuture(FailedAttempts.ofError(fire, startedAt, clock.instant(), error));
                }
                if (answer.isSuccess() && answer.runStatus().filter(UNFINISHED_RUN::contains).isPresent()) {
                    return CompletableFuture.completedFuture(Attempt.finished(ExecutionResults.skippedOverlap(fire, startedAt,
                            clock.instant(), previousRun, answer.runStatus().get())));
                }
                if (!answer.isSuccess() && answer.status() != 404) {
                    // Unknown whether the run still goes: sending now could put two runs on the agent at once.
                    return CompletableFuture.completedFuture(FailedAttempts.ofAnswer(fire, startedAt, clock.instant(), answer.status(),
                            "run look-up: " + answer.body(), answer.retryAfter()));
                }
                return send(fire, request, startedAt);
            }).thenCompose(attempt -> attempt);
        }
        return send(fire, request, startedAt);
    }

    private CompletableFuture<Attempt> send(DueEvent fire, LettaRequest request, Instant startedAt) {
        return letta.send(request).handle((answer, error) -> {
            Instant finishedAt = clock.instant();
            if (error != null) {
                LOG.info("Fire {}: {} failed: {}", fire.getFireId(), request, FailedAttempts.unwrap(error).toString());
                return FailedAttempts.ofError(fire, startedAt, finishedAt, error);
            }
            if (answer.isSuccess()) {
                if (request.mode() == DeliveryMode.SYNC) {
                    // The answer is the run's end: terminal at once, nothing to follow.
                    String reply = answer.assistantText().map(this::truncate).orElse(null);
                    return Attempt.finished(ExecutionResults.deliveredBuilder(fire, startedAt, finishedAt, answer.status(), answer.runId().orElse(null))
                            .setReply(reply).setLettaRunStatus(COMPLETED).setRunFinishedAt(finishedAt).setStopReason(answer.stopReason().orElse(null))
                            .setUsageJson(answer.usageJson().orElse(null)).build());
                }
                String runId = answer.runId().orElse(null);
                return Attempt.finished(ExecutionResults.deliveredBuilder(fire, startedAt, finishedAt, answer.status(), runId)
                        .setRunFollowed(runId != null).setLettaRunStatus(answer.runStatus().orElse(null)).build());
            }
            LOG.info("Fire {}: {} answered {}", fire.getFireId(), request, answer.status());
            return FailedAttempts.ofAnswer(fire, startedAt, finishedAt, answer.status(), answer.body(), answer.retryAfter());
        });
    }

    /**
     * {@code GET /v1/runs/{id}} on the fire's Letta server with its key: how a followed run is looked up. Completes
     * like {@link LettaClient#run}; exceptionally also when the key cannot be decrypted or the server is not allowed.
     */
    public CompletableFuture<LettaAnswer> lookUpRun(DueEvent fire, String runId) {
        LettaTarget target = (LettaTarget) fire.getTarget();
        String baseUrl = baseUrls.resolve(target.getBaseUrl());
        if (!baseUrls.isAllowed(baseUrl)) {
            return CompletableFuture.failedFuture(new IllegalStateException("Letta base URL " + baseUrl + " is not on the allow-list"));
        }
        try {
            return letta.run(baseUrl, cipher.decrypt(target.getApiKeyCiphertext(), fire.getScheduleId()), runId);
        } catch (GeneralSecurityException | RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(UNDECRYPTABLE_KEY));
        }
    }

    private String truncate(String text) {
        return text.length() <= replyMaxChars ? text : text.substring(0, replyMaxChars);
    }

    private static CompletableFuture<Attempt> done(Attempt attempt) {
        return CompletableFuture.completedFuture(attempt);
    }
}
