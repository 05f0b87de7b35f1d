package io.punctual.executor.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.support.Fires;
import io.punctual.schemas.DueEvent;
import io.punctual.kernel.secrets.KeyMaterial;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The fire's ids are in the log context while its request starts, and gone after; in-flight counts it until answered. */
class MeteredDelivererTest {

    @Test
    void namesTheFireInTheLogContextAndCountsItInFlight() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExecutorMeters meters = new ExecutorMeters(registry);
        DueEvent fire = new Fires(KeyMaterial.generate().apiKeyCipher()).fire("agent-1", "sk-secret", "hi");
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        CompletableFuture<Attempt> answer = new CompletableFuture<>();

        new MeteredDeliverer(f -> {
            seen.set(MDC.getCopyOfContextMap());
            return answer;
        }, meters).deliver(fire);

        assertThat(seen.get()).containsEntry(MeteredDeliverer.MDC_FIRE_ID, fire.getFireId())
                .containsEntry(MeteredDeliverer.MDC_SCHEDULE_ID, fire.getScheduleId())
                .doesNotContainValue("sk-secret");
        assertThat(MDC.get(MeteredDeliverer.MDC_FIRE_ID)).isNull();
        assertThat(registry.get("punctual.executor.deliveries.in.flight").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("punctual.fire.lag.sent").tag("target_type", "letta").timer().count()).isEqualTo(1);

        answer.complete(null);
        assertThat(registry.get("punctual.executor.deliveries.in.flight").gauge().value()).isZero();
    }
}
