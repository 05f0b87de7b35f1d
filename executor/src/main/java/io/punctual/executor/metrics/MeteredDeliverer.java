package io.punctual.executor.metrics;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.schemas.DueEvent;
import org.slf4j.MDC;

import java.util.concurrent.CompletableFuture;

/**
 * Meters each delivery request as it goes out (lag from the due time, requests in flight) and puts the fire id
 * and schedule id in the logging context while the request is started, so that what the deliverer logs on this
 * thread names the fire. Ids only: never a key, a secret or a message body.
 */
public final class MeteredDeliverer implements Deliverer {
    static final String MDC_FIRE_ID = "fire_id";
    static final String MDC_SCHEDULE_ID = "schedule_id";

    private final Deliverer inner;
    private final ExecutorMeters meters;

    public MeteredDeliverer(Deliverer inner, ExecutorMeters meters) {
        this.inner = inner;
        this.meters = meters;
    }

    @Override
    public CompletableFuture<Attempt> deliver(DueEvent fire) {
        Runnable answered = meters.requestSent(fire);
        try (MDC.MDCCloseable fireId = MDC.putCloseable(MDC_FIRE_ID, fire.getFireId());
             MDC.MDCCloseable scheduleId = MDC.putCloseable(MDC_SCHEDULE_ID, fire.getScheduleId())) {
            CompletableFuture<Attempt> attempt = inner.deliver(fire);
            attempt.whenComplete((done, error) -> answered.run());
            return attempt;
        } catch (RuntimeException e) {
            answered.run();
            throw e;
        }
    }
}
