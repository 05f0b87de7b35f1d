package io.punctual.gateway.command;

import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.Failures;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * What every door does with a schedule: find the caller's own, create one, send any other command, and turn the
 * planner's answer into the new state or the problem that explains a refusal. The tenant's quota is the planner's
 * (it counts live schedules where they are written, so gateways racing cannot exceed it); its refusal is a 403.
 */
@Singleton
public class ScheduleCommands {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CommandGateway gateway;
    private final GatewayViews views;

    public ScheduleCommands(CommandGateway gateway, GatewayViews views) {
        this.gateway = gateway;
        this.views = views;
    }

    /**
     * The id of a schedule created with an {@code Idempotency-Key}: derived from the tenant and the key, so a retry
     * that reaches another gateway instance names the same schedule and the planner refuses the second create.
     */
    public static String idempotentScheduleId(String tenant, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((tenant + "\u0000" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            return "sch_k" + HexFormat.of().formatHex(digest, 0, 14);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A new schedule id; ids sort by creation time, which gives lists a stable, meaningful order. */
    public static String newScheduleId() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return "sch_" + String.format("%012x", System.currentTimeMillis()) + HexFormat.of().formatHex(random);
    }

    /** The caller's schedule, or empty if it does not exist or belongs to another tenant. */
    public Optional<ScheduleState> own(Caller caller, String scheduleId) {
        return views.schedules().get(scheduleId).filter(s -> s.getSpec().getTenant().equals(caller.tenant()));
    }

    /**
     * The caller's schedule once this gateway's view shows it: the view follows punctual.schedules and may lag the
     * planner's answer by a few milliseconds.
     */
    public ScheduleState awaitVisible(Caller caller, String scheduleId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ScheduleState> state = own(caller, scheduleId);
        while (state.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(20_000_000L);
            state = own(caller, scheduleId);
        }
        return state.orElseThrow(() -> new ApiProblem(ProblemType.CONFLICT, "A schedule was created with this Idempotency-Key "
                + "but is gone (deleted) or not visible yet; use a new key to create another."));
    }

    /** The caller's schedule, or a 404 problem that does not reveal whether another tenant has it. */
    public ScheduleState visible(Caller caller, String scheduleId) {
        return own(caller, scheduleId)
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No schedule " + scheduleId + " exists for this API key."));
    }

    public ScheduleState create(Caller caller, String scheduleId, ScheduleSpec spec, boolean paused, String pausedNote) {
        return Failures.join(createAsync(caller, scheduleId, spec, paused, pausedNote));
    }

    /** {@link #create} without holding the caller's thread while the planner answers (the planner enforces the quota). */
    public CompletableFuture<ScheduleState> createAsync(Caller caller, String scheduleId, ScheduleSpec spec, boolean paused, String pausedNote) {
        return sendAsync(caller, scheduleId, null, CreateSchedule.newBuilder().setSpec(spec).setPaused(paused).setPausedNote(pausedNote).build());
    }

    /** Sends a command and waits for the planner's answer: the state after it, or the problem explaining the refusal. */
    public ScheduleState send(Caller caller, String scheduleId, Long expectedVersion, Object action) {
        return Failures.join(sendAsync(caller, scheduleId, expectedVersion, action));
    }

    /**
     * Sends a command; the future completes with the state after it, or fails with the problem explaining the
     * refusal (never wrapped, so a door can hand the future to the HTTP layer as it is).
     */
    public CompletableFuture<ScheduleState> sendAsync(Caller caller, String scheduleId, Long expectedVersion, Object action) {
        ScheduleCommand command = ScheduleCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setScheduleId(scheduleId)
                .setTenant(caller.tenant())
                .setIssuedAt(Instant.now())
                .setExpectedVersion(expectedVersion)
                .setAction(action)
                .build();
        CompletableFuture<ScheduleState> answer = new CompletableFuture<>();
        gateway.submit(command).whenComplete((result, error) -> {
            if (error != null) {
                answer.completeExceptionally(Failures.unwrap(error));
            } else if (result.getAccepted()) {
                answer.complete(result.getState());
            } else {
                answer.completeExceptionally(PlannerRejections.toProblem(result));
            }
        });
        return answer;
    }

}
