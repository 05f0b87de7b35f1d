package io.punctual.planner;

import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands produced straight to {@code punctual.commands} never meet the gateway, so the planner applies the
 * operator's Kafka-target allow-list itself: a tenant cannot aim a schedule at the registry's {@code _schemas}, the
 * planner's changelogs or another tenant's topics.
 */
class KafkaTargetConfinementTest extends PlannerTestBase {
    private static final KafkaTopicPolicy PER_TENANT = KafkaTopicPolicy.of("agents.{tenant}.,shared.events", "punctual-planner");

    @Test
    void withNoAllowListEveryKafkaTargetIsRejected() {
        PlannerHarness planner = planner(KafkaTopicPolicy.noneAllowed());

        CommandResult result = planner.send(TestCommands.create("s-k", kafkaSpec(TestCommands.TENANT, "user.events")));

        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getReason()).isEqualTo(Reasons.TOPIC_NOT_ALLOWED);
        assertThat(result.getMessage()).contains("target.topic").contains("not enabled");
        assertThat(planner.scheduleStore().get("s-k")).isNull();
    }

    @Test
    void reservedTopicsAreRejectedWhateverTheAllowListSays() {
        PlannerHarness planner = planner(KafkaTopicPolicy.of("*", "punctual-planner"));

        for (String topic : new String[] {"_schemas", "__consumer_offsets", "__transaction_state", "punctual.due",
                "punctual-planner-schedules-changelog", "other-app-store-changelog", "other-app-x-repartition"}) {
            CommandResult result = planner.send(TestCommands.create("s-" + topic, kafkaSpec(TestCommands.TENANT, topic)));
            assertThat(result.getAccepted()).as(topic).isFalse();
            assertThat(result.getMessage()).as(topic).contains("reserved");
        }
        assertThat(planner.send(TestCommands.create("s-ok", kafkaSpec(TestCommands.TENANT, "user.events"))).getAccepted()).isTrue();
    }

    @Test
    void aTenantPrefixConfinesEachTenantToItsOwnTopics() {
        PlannerHarness planner = planner(PER_TENANT);

        assertThat(planner.send(TestCommands.create("s-own", kafkaSpec(TestCommands.TENANT, "agents." + TestCommands.TENANT + ".inbox")))
                .getAccepted()).isTrue();
        assertThat(planner.send(TestCommands.create("s-shared", kafkaSpec(TestCommands.TENANT, "shared.events"))).getAccepted()).isTrue();
        CommandResult other = planner.send(TestCommands.create("s-other", kafkaSpec(TestCommands.TENANT, "agents." + TestCommands.OTHER_TENANT + ".inbox")));
        assertThat(other.getAccepted()).isFalse();
        assertThat(other.getMessage()).contains("not allowed").contains("agents." + TestCommands.TENANT + ".");
    }

    private static ScheduleSpec kafkaSpec(String tenant, String topic) {
        return ScheduleSpec.newBuilder(TestCommands.spec(tenant, "agent-1", new CronCadence("*/5 * * * *", "UTC")))
                .setTarget(KafkaTarget.newBuilder().setTopic(topic).setKey(null).setValueJson("{\"a\":1}").setHeaders(Map.of()).build())
                .build();
    }
}
