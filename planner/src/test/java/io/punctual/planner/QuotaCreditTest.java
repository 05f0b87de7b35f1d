package io.punctual.planner;

import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.quota.QuotaCredits;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static io.punctual.planner.PlannerHarness.START;
import static io.punctual.planner.TestCommands.OTHER_TENANT;
import static io.punctual.planner.TestCommands.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy tenant's creates are applied with places its quota granted the task in advance, not each after two hops
 * through the quota; the count holds the places granted until they are used or given back, and never passes the limit.
 */
class QuotaCreditTest extends PlannerTestBase {
    private static final Duration IDLE = Duration.ofSeconds(1);

    @Test
    void aBusyTenantsCreatesAskTheQuotaOncePerCreditAndTheUnusedRestGoesBackWhenIdle() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(100_000)
                .withQuotaCredit(100, IDLE), START);
        TestOutputTopic<String, QuotaEvent> quota = quotaTopic(planner);

        for (int i = 0; i < 250; i++) {
            assertThat(planner.send(create("c-" + i, TENANT)).getAccepted()).isTrue();
        }

        // The first create asks alone (a tenant's one-off create reserves nothing); the second asks for a credit of
        // 100 too, the 102nd and 203rd again when it is used up: 4 requests for 250 creates.
        List<QuotaEvent> events = quota.readValuesToList();
        assertThat(events.stream().filter(e -> e.getCommand() != null)).hasSize(4);
        assertThat(events.stream().filter(e -> e.getCommand() == null)).as("no count changes: every place was counted by the quota").isEmpty();
        assertThat(credits(planner).get(TENANT)).isEqualTo(54L);
        assertThat(counts(planner).get(TENANT)).as("250 live and 54 places granted, not used yet").isEqualTo(304L);
        assertThat(planner.scheduleStore().get("c-249")).isNotNull();

        planner.advance(IDLE.minusMillis(100));
        assertThat(counts(planner).get(TENANT)).as("still held: used within the idle time").isEqualTo(304L);
        planner.advance(Duration.ofMillis(200));
        assertThat(credits(planner).get(TENANT)).isNull();
        assertThat(counts(planner).get(TENANT)).isEqualTo(250L);

        // Deletes count down as before, and a tenant's next lone create asks for nothing in advance.
        assertThat(planner.send(TestCommands.delete("c-0", TENANT, null)).getAccepted()).isTrue();
        assertThat(planner.send(create("c-next", TENANT)).getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(250L);
        assertThat(credits(planner).get(TENANT)).isNull();
    }

    @Test
    void theLimitIsReachedExactlyAndNeverPassedWithCredits() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(200)
                .withQuotaCredit(20, IDLE), START);
        TestOutputTopic<String, QuotaEvent> quota = quotaTopic(planner);

        // Credits of 20 are granted while the count stays at most 200 - 3 × 20 after the create, then the last
        // places go one create at a time.
        List<CommandResult> results = IntStream.range(0, 220).mapToObj(i -> planner.send(create("l-" + i, TENANT))).toList();

        assertThat(results.stream().filter(CommandResult::getAccepted)).hasSize(200);
        assertThat(results.subList(200, 220)).allSatisfy(r -> assertThat(r.getReason()).isEqualTo("quota_exceeded"));
        assertThat(counts(planner).get(TENANT)).isEqualTo(200L);
        assertThat(credits(planner).get(TENANT)).as("near the limit the last places go one by one").isNull();
        // 140 creates used 7 credits of 20; the other 60 accepted (7 of them brought the credits) and the 20
        // refused asked the quota: 80 requests for 220 creates.
        assertThat(quota.readValuesToList().stream().filter(e -> e.getCommand() != null)).hasSize(80);
        // Other tenants are untouched by this one's credit.
        assertThat(planner.send(create("l-other", OTHER_TENANT)).getAccepted()).isTrue();
        assertThat(counts(planner).get(OTHER_TENANT)).isEqualTo(1L);
    }

    @Test
    void aSmallLimitIsNeverReservedInAdvance() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(250)
                .withQuotaCredit(100, IDLE), START);
        for (int i = 0; i < 10; i++) {
            planner.send(create("s-" + i, TENANT));
        }
        // 10 + 1 + 3 × 100 > 250: no credit, each create admitted on its own.
        assertThat(credits(planner).get(TENANT)).isNull();
        assertThat(counts(planner).get(TENANT)).isEqualTo(10L);
    }

    @Test
    void withoutCreditsEveryCreateAsksTheQuota() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(100_000)
                .withQuotaCredit(0, IDLE), START);
        TestOutputTopic<String, QuotaEvent> quota = quotaTopic(planner);
        for (int i = 0; i < 20; i++) {
            planner.send(create("n-" + i, TENANT));
        }
        assertThat(quota.readValuesToList().stream().filter(e -> e.getCommand() != null)).hasSize(20);
        assertThat(counts(planner).get(TENANT)).isEqualTo(20L);
        assertThat(credits(planner).get(TENANT)).isNull();
    }

    @Test
    void aRefusedAskIsAnsweredSoTheAskingTaskStopsHoldingTheTenantsCreates() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(2)
                .withQuotaCredit(100, IDLE), START);
        TestOutputTopic<String, byte[]> admitted = planner.driver.createOutputTopic(Topics.QUOTA_ADMITTED.name(),
                new StringDeserializer(), new ByteArrayDeserializer());
        for (int i = 0; i < 4; i++) {
            planner.send(create("r-" + i, TENANT));
        }
        // r-0 admitted alone, r-1 admitted with its ask (none granted so near the limit), r-2 and r-3 refused: r-2
        // asked again (a refusal answers the ask, so the next create may ask), and its refusal is answered by a
        // record without a value that names the tenant; r-3, asking while no ask is out, too.
        List<TestRecord<String, byte[]>> records = admitted.readRecordsToList();
        List<TestRecord<String, byte[]>> answers = records.stream().filter(r -> r.value() == null).toList();
        assertThat(records.stream().filter(r -> r.value() != null).map(TestRecord::key)).containsExactly("r-0", "r-1");
        assertThat(answers).extracting(TestRecord::key).containsExactly("r-2", "r-3");
        assertThat(answers).allSatisfy(answer -> {
            assertThat(new String(answer.headers().lastHeader(QuotaCredits.REFUSED_ANSWER).value(), StandardCharsets.UTF_8)).isEqualTo(TENANT);
            assertThat(QuotaCredits.number(answer.headers(), QuotaCredits.GRANTED_HEADER)).isZero();
        });
        assertThat(counts(planner).get(TENANT)).isEqualTo(2L);
    }

    private static ScheduleCommand create(String id, String tenant) {
        return TestCommands.create(id, TestCommands.spec(tenant, "agent-1", new CronCadence("0 9 * * *", "UTC")));
    }

    private static TestOutputTopic<String, QuotaEvent> quotaTopic(PlannerHarness planner) {
        return planner.driver.createOutputTopic(Topics.QUOTA.name(), new StringDeserializer(), planner.serdes.valueSerde(Topics.QUOTA).deserializer());
    }

    private static KeyValueStore<String, Long> counts(PlannerHarness planner) {
        return planner.driver.getKeyValueStore(PlannerTopology.TENANT_COUNTS_STORE);
    }

    private static KeyValueStore<String, Long> credits(PlannerHarness planner) {
        return planner.driver.getKeyValueStore(PlannerTopology.QUOTA_CREDITS_STORE);
    }
}
