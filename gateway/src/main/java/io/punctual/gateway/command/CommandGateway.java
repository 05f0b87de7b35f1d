package io.punctual.gateway.command;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.messaging.exceptions.MessagingClientException;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.Failures;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.kernel.config.InfrastructureFactory.TopicsReady;
import io.punctual.schemas.topic.Topics;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes schedule commands and completes each with the planner's result for it, so that a write answers
 * only once the planner has applied (or refused) it. Commands go out through micronaut-kafka
 * ({@link CommandProducer}); results come in through {@code view/GatewayViews}' tail of
 * {@code punctual.command-results} (why that one is not a {@code @KafkaListener}: there).
 */
@Singleton
public class CommandGateway {
    private final CommandProducer producer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** How many of this replica's writes to each schedule await their result: see {@link #awaitsResultFor}. */
    private final Map<String, Integer> awaitedSchedules = new ConcurrentHashMap<>();
    private volatile ShownWrites shown = ShownWrites.IMMEDIATE;

    /** A write waiting for its result, and for its state to be shown on {@code punctual.schedules}. */
    private record Pending(CompletableFuture<CommandResult> result, ShownWrites.Watch watch) {
    }
    private final Duration timeout;
    private final MeterRegistry meters;
    private final Executor answers;

    /**
     * {@code answers} runs what follows a result (rendering the response), so the threads that read
     * {@code punctual.command-results} and {@code punctual.schedules} for every write of this instance only hand
     * results over.
     * {@code topicsReady}: commands are published only once the catalog's topics exist.
     */
    CommandGateway(CommandProducer producer, TopicsReady topicsReady, GatewayConfig config,
                   MeterRegistry meters, @Named(AnswerThreads.NAME) Executor answers) {
        this.producer = producer;
        this.meters = meters;
        this.answers = answers;
        this.timeout = config.getCommandTimeout();
    }

    /** Sends the command; the future completes with the planner's result, or fails with a 503 problem on timeout. */
    public CompletableFuture<CommandResult> submit(ScheduleCommand command) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        long started = System.nanoTime();
        // Watched before it is published, so the state it writes cannot reach this replica unseen.
        ShownWrites.Watch watch = shown.watch(command.getScheduleId());
        awaitedSchedules.merge(command.getScheduleId(), 1, Integer::sum);
        pending.put(command.getCommandId(), new Pending(result, watch));
        publish(command).whenComplete((metadata, error) -> {
            if (error != null) {
                pending.remove(command.getCommandId());
                watch.close();
                result.completeExceptionally(new ApiProblem(ProblemType.UNAVAILABLE, "The command could not be published to Kafka: "
                        + sendFailure(error).getMessage()));
            }
        });
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    pending.remove(command.getCommandId());
                    awaitedSchedules.computeIfPresent(command.getScheduleId(), (id, n) -> n == 1 ? null : n - 1);
                    watch.close();
                    String outcome = e != null ? "unanswered" : r.getAccepted() ? "accepted" : "rejected";
                    // The gateway's view of acknowledgement: publish to the planner's result arriving here.
                    Timer.builder("punctual.gateway.command.ack")
                            .description("From publishing a command to the planner's result for it")
                            .tag("outcome", outcome)
                            .publishPercentileHistogram()
                            .register(meters)
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(Failures.unwrap(e) instanceof TimeoutException
                        ? new ApiProblem(ProblemType.PLANNER_TIMEOUT, "The planner did not answer within " + timeout.toMillis()
                        + " ms; the command may still be applied. Read the schedule before retrying.")
                        : Failures.unwrap(e)));
    }

    /** True while this replica waits for the planner's result of {@code commandId} (a write it published). */
    public boolean awaits(String commandId) {
        return pending.containsKey(commandId);
    }

    /**
     * True while this replica waits for a result of a write to {@code scheduleId}, the key of every record of
     * {@code punctual.command-results}. Every replica reads every result; the others' need not be decoded.
     */
    public boolean awaitsResultFor(String scheduleId) {
        return awaitedSchedules.containsKey(scheduleId);
    }

    /**
     * Called for every command result on the topic; completes the matching pending write, if it is ours, once its
     * state is shown on {@code punctual.schedules} (at once when the planner refused it: nothing was written).
     */
    public void onResult(CommandResult result) {
        Pending waiting = pending.get(result.getCommandId());
        if (waiting == null) {
            return;
        }
        if (result.getAccepted() && result.getState() != null) {
            waiting.watch().until(result.getState()).thenRun(() -> waiting.result().completeAsync(() -> result, answers));
        } else {
            waiting.result().completeAsync(() -> result, answers);
        }
    }

    /** Where writes wait to be shown before they answer: the schedule view ({@code view/GatewayViews} sets it). */
    public void showWritesWith(ShownWrites shownWrites) {
        this.shown = shownWrites;
    }

    /** The send, failed rather than thrown if the command cannot even be handed to the producer. */
    private CompletableFuture<RecordMetadata> publish(ScheduleCommand command) {
        try {
            return producer.send(Topics.COMMANDS.name(), command.getScheduleId(), command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Kafka's own error: micronaut-kafka wraps a failed send in a {@link MessagingClientException} naming the method. */
    private static Throwable sendFailure(Throwable error) {
        Throwable e = Failures.unwrap(error);
        return e instanceof MessagingClientException && e.getCause() != null ? e.getCause() : e;
    }
}
