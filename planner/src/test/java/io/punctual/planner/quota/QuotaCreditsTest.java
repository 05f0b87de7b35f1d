package io.punctual.planner.quota;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The credit bookkeeping of one planner task, apart from Kafka Streams: when it asks, what it holds, what goes back. */
class QuotaCreditsTest {
    private static final long IDLE = 1_000;
    private KeyValueStore<String, Long> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("quota-credits"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void aTenantAsksOnlyOnceBusyAndOnlyOnceAtATimeUntilTheAnswerOrTheIdleTime() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);

        assertThat(wanted(credits.takeOrRequest("t", 0))).as("a first, lone create").isZero();
        assertThat(wanted(credits.takeOrRequest("t", 10))).as("busy now").isEqualTo(100);
        assertThat(wanted(credits.takeOrRequest("t", 20))).as("an ask outstanding").isZero();
        assertThat(wanted(credits.takeOrRequest("t", 10 + IDLE))).as("no answer within the idle time: asks again").isEqualTo(100);

        credits.received("t", granted(0), 10 + IDLE);
        assertThat(wanted(credits.takeOrRequest("t", 20 + IDLE))).as("answered with none: may ask again").isEqualTo(100);
        credits.received("t", new RecordHeaders(), 30 + IDLE);
        assertThat(wanted(credits.takeOrRequest("t", 40 + IDLE))).as("an admission that did not ask answers nothing").isZero();
    }

    @Test
    void aGrantIsTakenOnePlaceACreateKeptInTheStoreAndSurvivesARestart() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("t", granted(100), 0);
        for (int i = 0; i < 30; i++) {
            assertThat(credits.takeOrRequest("t", i)).isNull();
        }
        assertThat(store.get("t")).isEqualTo(70L);

        // A restarted task (or another instance taking it over) reads the store back and holds it for a full idle time.
        QuotaCredits restored = new QuotaCredits(store, 100, IDLE, 5_000);
        assertThat(restored.idle(5_000 + IDLE - 1)).isEmpty();
        for (int i = 0; i < 70; i++) {
            assertThat(restored.takeOrRequest("t", 5_000 + i)).isNull();
        }
        assertThat(store.get("t")).isNull();
        assertThat(restored.takeOrRequest("t", 5_100)).as("used up: the next create asks the quota").isNotNull();
    }

    @Test
    void unusedCreditGoesBackAfterTheIdleTimeAndUseKeepsIt() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("busy", granted(100), 0);
        credits.received("quiet", granted(100), 0);
        credits.takeOrRequest("busy", 900);

        assertThat(credits.idle(IDLE)).containsExactly(Map.entry("quiet", 100L));
        assertThat(store.get("quiet")).isNull();
        assertThat(store.get("busy")).isEqualTo(99L);
        assertThat(credits.idle(900 + IDLE)).containsExactly(Map.entry("busy", 99L));
        assertThat(store.get("busy")).isNull();
        assertThat(credits.idle(10 * IDLE)).isEmpty();
    }

    @Test
    void anAskGrowsWhileCreatesRunShortAndShrinksWhenTheQuotaGrantsNone() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.takeOrRequest("t", 0);
        assertThat(wanted(credits.takeOrRequest("t", 1))).isEqualTo(100);
        // 30 creates find no credit while the ask is out: they took the hops, so the next ask is twice the grant.
        for (int i = 0; i < 30; i++) {
            assertThat(wanted(credits.takeOrRequest("t", 2))).isZero();
        }
        credits.received("t", granted(100), 3);
        assertThat(credits.nextAsk("t")).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(credits.takeOrRequest("t", 4)).isNull();
        }
        // Half the grant left: this create carries the next ask through the quota, the credit stays for the others.
        assertThat(wanted(credits.takeOrRequest("t", 5))).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(credits.takeOrRequest("t", 5)).isNull();
        }
        // 700 run short this time: the next ask covers twice those, more than twice the grant.
        for (int i = 0; i < 700; i++) {
            assertThat(wanted(credits.takeOrRequest("t", 6))).isZero();
        }
        credits.received("t", granted(200), 7);
        assertThat(credits.nextAsk("t")).isEqualTo(1_400);

        // A grant that came before the credit ran out leaves the ask as it was.
        credits.received("t", granted(50), 8);
        assertThat(credits.nextAsk("t")).isEqualTo(1_400);
        // A refusal (the tenant near its limit) halves it, never below the batch.
        credits.received("t", granted(0), 9);
        assertThat(credits.nextAsk("t")).isEqualTo(700);
        for (int i = 0; i < 10; i++) {
            credits.received("t", granted(0), 10);
        }
        assertThat(credits.nextAsk("t")).isEqualTo(100);
    }

    @Test
    void anAskNeverExceedsTheMostAQuotaGrants() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.takeOrRequest("t", 0);
        credits.takeOrRequest("t", 1);
        for (int i = 0; i < 3 * QuotaCredits.MAX_WANTED; i++) {
            credits.takeOrRequest("t", 2);
        }
        credits.received("t", granted(100), 3);
        assertThat(credits.nextAsk("t")).isEqualTo(QuotaCredits.MAX_WANTED);
        // Forgotten once idle, a tenant starts again from the batch.
        credits.idle(10 * IDLE);
        assertThat(credits.nextAsk("t")).isEqualTo(100);
    }

    @Test
    void admittedCreatesKeepATenantBusySoItsCreditIsNotGivenBackMidBacklog() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("t", granted(100), 0);
        // The task works through admissions of creates that took the hops, none of them taking a place here.
        for (long at = 100; at <= 3 * IDLE; at += 100) {
            credits.received("t", new RecordHeaders(), at);
            assertThat(credits.idle(at)).isEmpty();
        }
        assertThat(store.get("t")).isEqualTo(100L);
        assertThat(credits.idle(4 * IDLE)).containsExactly(Map.entry("t", 100L));
    }

    private static Headers granted(long places) {
        return new RecordHeaders().add(QuotaCredits.GRANTED_HEADER, Long.toString(places).getBytes(StandardCharsets.US_ASCII));
    }

    private static long wanted(Headers request) {
        assertThat(request).as("a request, not a place taken").isNotNull();
        return QuotaCredits.number(request, QuotaCredits.WANTED_HEADER);
    }
}
