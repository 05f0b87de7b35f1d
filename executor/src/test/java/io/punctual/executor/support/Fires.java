package io.punctual.executor.support;

import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import io.punctual.schemas.fire.FireIds;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Due events as the planner writes them, with the key encrypted for their schedule. */
public final class Fires {
    private final ApiKeyCipher cipher;

    public Fires(ApiKeyCipher cipher) {
        this.cipher = cipher;
    }

    public DueEvent fire(String agentId, String apiKey, String text) {
        return fire(agentId, apiKey, text, DeliveryMode.ASYNC, null);
    }

    /** A webhook fire; {@code secret} null for an unsigned one. */
    public DueEvent webhookFire(String url, WebhookMethod method, Map<String, String> headers, String bodyJson, String secret) {
        String scheduleId = "sched-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return base(scheduleId, at).setTarget(WebhookTarget.newBuilder()
                // Headers sealed as the gateway stores them: the executor decrypts them just before the request.
                .setUrl(url).setMethod(method).setHeaders(Map.of()).setBodyJson(bodyJson)
                .setHeadersCiphertext(headers.isEmpty() ? null : cipher.encryptHeaders(headers, scheduleId))
                .setHeaderNames(headers.keySet().stream().sorted().toList())
                .setSecretCiphertext(secret == null ? null : cipher.encrypt(secret, scheduleId))
                .build()).build();
    }

    public DueEvent kafkaFire(String topic, String key, String valueJson) {
        String scheduleId = "sched-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return base(scheduleId, at).setTarget(KafkaTarget.newBuilder()
                .setTopic(topic).setKey(key).setValueJson(valueJson).setHeaders(new HashMap<>(Map.of("source", "punctual-test")))
                .build()).build();
    }

    /** The same fire asking for another attempt, as the planner emits a retry. */
    public static DueEvent attempt(DueEvent fire, int attempt) {
        return DueEvent.newBuilder(fire).setAttempt(attempt).setEmittedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    private static DueEvent.Builder base(String scheduleId, Instant at) {
        return DueEvent.newBuilder()
                .setFireId(FireIds.of(scheduleId, at))
                .setScheduleId(scheduleId)
                .setTenant("tenant-test")
                .setScheduledFor(at)
                .setEmittedAt(at)
                .setAttempt(1);
    }

    public DueEvent fire(String agentId, String apiKey, String text, DeliveryMode mode, String baseUrl) {
        String scheduleId = "sched-" + UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DueEvent.newBuilder()
                .setFireId(FireIds.of(scheduleId, at))
                .setScheduleId(scheduleId)
                .setTenant("tenant-test")
                .setScheduledFor(at)
                .setEmittedAt(at)
                .setAttempt(1)
                .setTarget(LettaTarget.newBuilder()
                        .setAgentId(agentId)
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent(text).build()))
                        .setMode(mode)
                        .setMaxSteps(3)
                        .setBaseUrl(baseUrl)
                        .setApiKeyCiphertext(cipher.encrypt(apiKey, scheduleId))
                        .build())
                .build();
    }
}
