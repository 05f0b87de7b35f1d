package io.punctual.kernel.kafkatarget;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaTopicPolicyTest {
    private static final String TENANT = "t_0123abcd";

    @Test
    void nothingIsAllowedByDefault() {
        assertThat(KafkaTopicPolicy.of("", "punctual-planner").refusal("user.events", TENANT)).hasValueSatisfying(
                why -> assertThat(why).contains("not enabled").contains("punctual.kafka-target.allowed-topic-prefixes"));
        assertThat(KafkaTopicPolicy.noneAllowed().refusal("user.events", TENANT)).isPresent();
    }

    @Test
    void reservedTopicsStayRefusedEvenWithTheWildcard() {
        KafkaTopicPolicy any = KafkaTopicPolicy.of("*", "scheduler-prod");
        for (String topic : new String[] {"_schemas", "__consumer_offsets", "__transaction_state", "_confluent-metrics",
                "punctual.commands", "punctual-planner-schedules-changelog", "scheduler-prod-timeline-changelog",
                "scheduler-prod-anything", "orders-app-KSTREAM-0001-repartition", "orders-app-store-changelog"}) {
            assertThat(any.refusal(topic, TENANT)).as(topic).hasValueSatisfying(why -> assertThat(why).contains("reserved"));
        }
        assertThat(any.refusal("orders.created", TENANT)).isEmpty();
    }

    @Test
    void prefixesAllowWhatStartsWithThem() {
        KafkaTopicPolicy policy = KafkaTopicPolicy.of(" agent-events. , audit.", "");
        assertThat(policy.refusal("agent-events.wakeups", TENANT)).isEmpty();
        assertThat(policy.refusal("audit.x", TENANT)).isEmpty();
        assertThat(policy.refusal("agent-eventsX", TENANT)).hasValueSatisfying(why -> assertThat(why)
                .contains("not allowed").contains("'agent-events.'").contains("'audit.'"));
    }

    @Test
    void theTenantPlaceholderConfinesEachTenantToItsOwnTopics() {
        KafkaTopicPolicy policy = KafkaTopicPolicy.of("tenants.{tenant}.", "");
        assertThat(policy.refusal("tenants." + TENANT + ".inbox", TENANT)).isEmpty();
        assertThat(policy.refusal("tenants.t_other.inbox", TENANT)).hasValueSatisfying(why -> assertThat(why)
                .contains("'tenants." + TENANT + ".'"));
        assertThat(policy.refusal("tenants." + TENANT + ".inbox", null)).isPresent();
    }

    @Test
    void illegalNamesAreRefused() {
        KafkaTopicPolicy any = KafkaTopicPolicy.of("*", "");
        assertThat(any.refusal("", TENANT)).isPresent();
        assertThat(any.refusal("a/b", TENANT)).isPresent();
        assertThat(any.refusal("x".repeat(250), TENANT)).isPresent();
        assertThat(any.refusal(null, TENANT)).isPresent();
    }
}
