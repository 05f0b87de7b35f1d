package io.punctual.gateway.view;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.punctual.gateway.command.CommandGateway;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.config.InfrastructureFactory.TopicsReady;
import io.punctual.schemas.config.KafkaSettings;
import io.punctual.schemas.health.ReadinessCheck;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Deserializer;

/** Keeps the gateway's views up to date from the topics, and routes command results to waiting writes. */
@Context
@Singleton
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
public class GatewayViews implements ReadinessCheck, AutoCloseable {
    private static final int MAX_RUNS_PER_SCHEDULE = 500;

    private final ScheduleView schedules = new ScheduleView();
    private final RunView runs = new RunView(MAX_RUNS_PER_SCHEDULE);
    private final TopicTail scheduleTail;
    private final TopicTail resultTail;
    private final TopicTail commandResultTail;

    public GatewayViews(KafkaSettings kafka, TopicSerdes serdes, CommandGateway commands, TopicsReady topicsReady) {
        Deserializer<ScheduleState> states = serdes.valueSerde(Topics.SCHEDULES).deserializer();
        Deserializer<ExecutionResult> results = serdes.valueSerde(Topics.RESULTS).deserializer();
        Deserializer<CommandResult> commandResults = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer();
        scheduleTail = new TopicTail(Topics.SCHEDULES.name(), true, kafka.clientProperties(), record -> {
            if (record.value() == null) {
                schedules.remove(record.key());
            } else {
                schedules.apply(states.deserialize(record.topic(), record.value()));
            }
        });
        resultTail = new TopicTail(Topics.RESULTS.name(), true, kafka.clientProperties(), record -> {
            if (record.value() != null) {
                runs.apply(results.deserialize(record.topic(), record.value()));
            }
        });
        commandResultTail = new TopicTail(Topics.COMMAND_RESULTS.name(), false, kafka.clientProperties(), record -> {
            if (record.value() != null) {
                CommandResult result = commandResults.deserialize(record.topic(), record.value());
                // The snapshot first: the write answers only after the view shows it.
                if (result.getAccepted() && result.getState() != null) {
                    schedules.apply(result.getState());
                }
                commands.onResult(result);
            }
        });
    }

    @PostConstruct
    void start() {
        commandResultTail.start();
        scheduleTail.start();
        resultTail.start();
    }

    /** Waits until every view has read its topic up to the end offsets found at start. */
    public boolean awaitCaughtUp(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicTail tail : java.util.List.of(scheduleTail, resultTail, commandResultTail)) {
            if (!tail.awaitCaughtUp(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    public ScheduleView schedules() {
        return schedules;
    }

    public RunView runs() {
        return runs;
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public boolean isReady() {
        return scheduleTail.isCaughtUp() && resultTail.isCaughtUp() && commandResultTail.isCaughtUp();
    }

    @PreDestroy
    @Override
    public void close() {
        commandResultTail.close();
        scheduleTail.close();
        resultTail.close();
    }
}
