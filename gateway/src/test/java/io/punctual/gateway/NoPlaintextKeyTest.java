package io.punctual.gateway;

import io.punctual.testkit.CapturedLogs;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.PlaintextScan;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

/** No record of any topic of the broker and no log line of this test JVM holds a Letta key in plaintext. */
class NoPlaintextKeyTest {

    @Test
    void keysAreNeverInRecordsResponsesOrLogs() throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        // Every door writes a key: the v1 create, the seed create with the key in the body, Letta's own.
        String agent = "agent-" + UUID.randomUUID();
        assertThat(gateway.postJson("/v1/schedules", KEY_A, V1SchedulesTest.onceBody(agent)).body()).doesNotContain(KEY_A);
        assertThat(gateway.send("POST", "/schedules/one-time", null, "application/json", "{\"agent_id\": \"" + agent + "\", \"api_key\": \""
                + KEY_B + "\", \"execute_at\": \"" + Instant.now().plusSeconds(3600) + "\", \"message\": \"m\"}").body()).doesNotContain(KEY_B);
        assertThat(gateway.postJson("/v1/agents/" + agent + "/schedule", KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"schedule\": {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * *\"}}").body()).doesNotContain(KEY_A);
        // A refused key and a failed Letta check are logged without the key too.
        gateway.get("/v1/schedules", "sk-let-refused-" + UUID.randomUUID());

        PlaintextScan.Result scan = PlaintextScan.assertNoneInTopics(KafkaFixture.shared().bootstrapServers(), List.of(KEY_A, KEY_B));
        assertThat(scan.topics()).contains("punctual.commands", "punctual.schedules", "punctual.command-results");
        assertThat(scan.records()).isGreaterThan(0);
        assertThat(CapturedLogs.lines()).isNotEmpty().noneMatch(line -> line.contains(KEY_A) || line.contains(KEY_B) || line.contains("sk-let-refused-"));
    }
}
