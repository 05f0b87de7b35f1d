package io.punctual.executor.support;

import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.secrets.ApiKeyCipher;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
