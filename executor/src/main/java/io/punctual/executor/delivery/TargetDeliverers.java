package io.punctual.executor.delivery;

import io.punctual.executor.kafka.KafkaTargetDeliverer;
import io.punctual.executor.letta.LettaDeliverer;
import io.punctual.executor.webhook.WebhookDeliverer;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookTarget;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Hands each fire to the deliverer of its target type. */
@Singleton
public class TargetDeliverers implements Deliverer {
    private final LettaDeliverer letta;
    private final WebhookDeliverer webhook;
    private final KafkaTargetDeliverer kafka;

    public TargetDeliverers(LettaDeliverer letta, WebhookDeliverer webhook, KafkaTargetDeliverer kafka) {
        this.letta = letta;
        this.webhook = webhook;
        this.kafka = kafka;
    }

    @Override
    public CompletableFuture<Attempt> deliver(DueEvent fire) {
        Object target = fire.getTarget();
        if (target instanceof LettaTarget t) {
            return letta.deliver(fire, t);
        }
        if (target instanceof WebhookTarget t) {
            return webhook.deliver(fire, t);
        }
        if (target instanceof KafkaTarget t) {
            return kafka.deliver(fire, t);
        }
        Instant now = Instant.now();
        return CompletableFuture.completedFuture(Attempt.finished(ExecutionResults.failed(fire, now, now, null,
                "unknown target type " + (target == null ? "null" : target.getClass().getSimpleName()))));
    }
}
