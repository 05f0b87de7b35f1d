package io.punctual.executor.webhook;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.retry.FailedAttempts;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.webhook.WebhookSignature;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.WebhookTarget;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers a fire as an HTTP request to the schedule's URL: checked against the URL policy right before the
 * call, carrying {@code Idempotency-Key: <fire id>} and, when the schedule has a secret, a
 * {@value WebhookSignature#HEADER} header.
 */
@Singleton
public class WebhookDeliverer {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String FIRE_ID_HEADER = WebhookSignature.FIRE_ID_HEADER;
    static final String UNDECRYPTABLE_SECRET = "webhook secret could not be decrypted";
    static final String UNDECRYPTABLE_HEADERS = "webhook headers could not be decrypted";
    /** Headers the executor sets itself; a schedule's headers cannot override them. */
    private static final Set<String> RESERVED = Set.of("idempotency-key", "content-type", "content-length", "host",
            WebhookSignature.HEADER.toLowerCase(Locale.ROOT), FIRE_ID_HEADER.toLowerCase(Locale.ROOT),
            WebhookSignature.ATTEMPT_HEADER.toLowerCase(Locale.ROOT));

    private final WebhookClient client;
    private final WebhookUrlPolicy policy;
    private final ApiKeyCipher cipher;
    private final Clock clock;
    // Host resolution blocks; it must not run on the consumer thread or on Netty's event loop.
    private final ExecutorService resolver;

    public WebhookDeliverer(WebhookClient client, WebhookUrlPolicy policy, KeyMaterial keys, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.policy = policy;
        this.cipher = keys.apiKeyCipher();
        AtomicInteger threads = new AtomicInteger();
        this.resolver = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "punctual-webhook-resolver-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public CompletableFuture<Attempt> deliver(DueEvent fire, WebhookTarget target) {
        Instant startedAt = clock.instant();
        return CompletableFuture.supplyAsync(() -> policy.refusal(target.getUrl()), resolver)
                .thenCompose(refusal -> refusal.isPresent()
                        ? CompletableFuture.completedFuture(FailedAttempts.refused(fire, startedAt, clock.instant(), "webhook URL refused: " + refusal.get()))
                        : send(fire, target, startedAt))
                .exceptionally(error -> FailedAttempts.ofError(fire, startedAt, clock.instant(), error));
    }

    private CompletableFuture<Attempt> send(DueEvent fire, WebhookTarget target, Instant startedAt) {
        byte[] body = target.getBodyJson().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> extra = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        target.getHeaders().forEach((name, value) -> extra.put(name.toString(), value.toString()));
        if (target.getHeadersCiphertext() != null) {
            // Decrypted only now, held only for this request, never logged.
            try {
                extra.putAll(cipher.decryptHeaders(target.getHeadersCiphertext(), fire.getScheduleId()));
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.warn("Fire {} of schedule {}: {}", fire.getFireId(), fire.getScheduleId(), UNDECRYPTABLE_HEADERS);
                return CompletableFuture.completedFuture(FailedAttempts.refused(fire, startedAt, clock.instant(), UNDECRYPTABLE_HEADERS));
            }
        }
        extra.forEach((name, value) -> {
            if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, value);
            }
        });
        headers.put("Content-Type", "application/json");
        headers.put(IDEMPOTENCY_KEY, fire.getFireId());
        headers.put(FIRE_ID_HEADER, fire.getFireId());
        headers.put(WebhookSignature.ATTEMPT_HEADER, Integer.toString(fire.getAttempt()));
        if (target.getSecretCiphertext() != null) {
            Optional<String> secret = secret(fire, target);
            if (secret.isEmpty()) {
                return CompletableFuture.completedFuture(FailedAttempts.refused(fire, startedAt, clock.instant(), UNDECRYPTABLE_SECRET));
            }
            headers.put(WebhookSignature.HEADER, WebhookSignature.header(secret.get(), clock.instant(), fire.getFireId(), fire.getAttempt(), body));
        }
        WebhookRequest request = new WebhookRequest(target.getMethod().name(), target.getUrl(), headers, body);
        return client.send(request).handle((answer, error) -> {
            Instant finishedAt = clock.instant();
            if (error != null) {
                LOG.info("Fire {}: {} failed: {}", fire.getFireId(), request, FailedAttempts.unwrap(error).toString());
                return FailedAttempts.ofError(fire, startedAt, finishedAt, error);
            }
            if (answer.isSuccess()) {
                return Attempt.finished(ExecutionResults.delivered(fire, startedAt, finishedAt, answer.status(), null));
            }
            LOG.info("Fire {}: {} answered {}", fire.getFireId(), request, answer.status());
            return FailedAttempts.ofAnswer(fire, startedAt, finishedAt, answer.status(), answer.body(), answer.retryAfter());
        });
    }

    private Optional<String> secret(DueEvent fire, WebhookTarget target) {
        try {
            String secret = cipher.decrypt(target.getSecretCiphertext(), fire.getScheduleId());
            return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warn("Fire {} of schedule {}: {}", fire.getFireId(), fire.getScheduleId(), UNDECRYPTABLE_SECRET);
            return Optional.empty();
        }
    }

    @PreDestroy
    void close() {
        resolver.shutdownNow();
    }
}
