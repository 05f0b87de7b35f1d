package io.punctual.gateway.command;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.ScheduleCommand;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A command the producer cannot publish fails its write with the 503 problem, carrying Kafka's reason: here the
 * real micronaut-kafka producer, pointed at a port nothing listens on, gives up after its max block time (set
 * through the client's own {@code kafka.producers.<client id>.*} override, which this also proves is honoured).
 */
class CommandPublishFailureTest {

    @Test
    void aCommandKafkaDoesNotTakeIsA503() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                ConfigKeys.GATEWAY_ENABLED, false, ConfigKeys.PLANNER_ENABLED, false, ConfigKeys.EXECUTOR_ENABLED, false,
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "localhost:" + closedPort,
                "kafka.producers." + CommandProducer.CLIENT_ID + ".max.block.ms", 300))) {
            // Built by hand: the bean would first wait for the topics, which need the broker this test has not got.
            CommandGateway gateway = new CommandGateway(context.getBean(CommandProducer.class), null, new GatewayConfig(),
                    new SimpleMeterRegistry(), Runnable::run);
            ScheduleCommand command = ScheduleCommand.newBuilder().setCommandId("c1").setScheduleId("sch_1").setTenant("t1")
                    .setIssuedAt(Instant.now()).setExpectedVersion(null).setAction(DeleteSchedule.newBuilder().build()).build();

            Throwable failure = catchThrowable(() -> gateway.submit(command).join());

            assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(ApiProblem.class);
            ApiProblem problem = (ApiProblem) failure.getCause();
            assertThat(problem.type()).isEqualTo(ProblemType.UNAVAILABLE);
            assertThat(problem.detail()).startsWith("The command could not be published to Kafka: ")
                    .contains("punctual.commands").contains("300 ms");
        }
    }
}
