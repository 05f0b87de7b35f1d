package io.punctual.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

class PoisonCommandTest extends PlannerTestBase {

    @Test
    void poisonGoesToTheDeadLetterTopicAndTheNextGoodCommandIsApplied() {
        PlannerHarness planner = planner();
        byte[] random = new byte[64];
        new Random(42).nextBytes(random);
        random[0] = 7; // not the wire format's magic byte 0, so no registry lookup is attempted
        byte[] wrongMagic = planner.encode(TestCommands.createOnce("s-magic", "agent-1", START.plusSeconds(5)));
        wrongMagic[0] = 1;
        byte[] mismatched = planner.encode(TestCommands.createOnce("s-real", "agent-1", START.plusSeconds(5)));
        byte[] truncated = planner.encode(TestCommands.createOnce("s-cut", "agent-1", START.plusSeconds(5)));
        truncated = Arrays.copyOf(truncated, truncated.length / 2);
        Headers tracing = new RecordHeaders().add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));

        planner.sendRaw("s-random", random, tracing);
        planner.sendRaw("s-magic", wrongMagic, null);
        planner.sendRaw("s-other", mismatched, null);
        planner.sendRaw("s-cut", truncated, null);
        planner.sendRaw("s-tombstone", null, null);
        ScheduleCommand good = TestCommands.createOnce("s-good", "agent-1", START.plusSeconds(5));
        CommandResult result = planner.send(good);

        assertThat(result.getAccepted()).isTrue();
        assertThat(planner.advanceTo(START.plusSeconds(5))).extracting(f -> f.value().getScheduleId()).containsExactly("s-good");

        List<TestRecord<String, byte[]>> dead = planner.deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::key).containsExactly("s-random", "s-magic", "s-other", "s-cut");
        assertThat(dead.get(0).value()).isEqualTo(random);
        assertThat(dead.get(1).value()).isEqualTo(wrongMagic);
        assertThat(dead.get(2).value()).isEqualTo(mismatched);
        assertThat(dead.get(3).value()).isEqualTo(truncated);
        assertThat(reason(dead.get(0))).startsWith("undecodable");
        assertThat(reason(dead.get(1))).startsWith("undecodable");
        assertThat(reason(dead.get(2))).startsWith("key_mismatch").contains("s-other").contains("s-real");
        assertThat(reason(dead.get(3))).startsWith("undecodable");
        for (int i = 0; i < dead.size(); i++) {
            Headers headers = dead.get(i).headers();
            assertThat(text(headers, Topics.HEADER_DLQ_SOURCE_TOPIC)).isEqualTo(Topics.COMMANDS.name());
            assertThat(text(headers, Topics.HEADER_DLQ_SOURCE_PARTITION)).isEqualTo("0");
            assertThat(text(headers, Topics.HEADER_DLQ_SOURCE_OFFSET)).isEqualTo(Integer.toString(i));
        }
        assertThat(text(dead.get(0).headers(), "trace-id")).as("the record's own headers are kept").isEqualTo("abc");
        assertThat(planner.scheduleStore().get("s-real")).isNull();
        assertThat(planner.scheduleStore().get("s-other")).isNull();
    }

    @Test
    void aValueOfAnotherRecordTypeIsUndecodable() {
        PlannerHarness planner = planner();
        // Real wire format, real registered schema, but a CommandResult: the schemas do not resolve.
        byte[] otherType = planner.serdes.valueSerde(Topics.COMMAND_RESULTS).serializer().serialize(Topics.COMMAND_RESULTS.name(),
                CommandResult.newBuilder().setCommandId("c").setScheduleId("s-x").setAccepted(true).setProcessedAt(START).build());

        planner.sendRaw("s-x", otherType, null);

        List<TestRecord<String, byte[]>> dead = planner.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(otherType);
        assertThat(reason(dead.get(0))).startsWith("undecodable");
        assertThat(planner.results.isEmpty()).isTrue();
    }

    @Test
    void anUnknownSchemaIdIsSetAside() {
        PlannerHarness planner = planner();
        byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(Integer.MAX_VALUE - 1).putInt(0).array();

        planner.sendRaw("s-unknown", unknownId, null);

        List<TestRecord<String, byte[]>> dead = planner.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(reason(dead.get(0))).startsWith("unknown_schema");
    }

    @Test
    void aCommandWithoutKeyOrIdsIsSetAside() {
        PlannerHarness planner = planner();
        ScheduleCommand noCommandId = TestCommands.createOnce("s-noid", "agent-1", START.plusSeconds(5));
        noCommandId.setCommandId("");

        planner.sendRaw(null, planner.encode(TestCommands.createOnce("s-nokey", "agent-1", START.plusSeconds(5))), null);
        planner.sendRaw("s-noid", planner.encode(noCommandId), null);

        List<TestRecord<String, byte[]>> dead = planner.deadLetters.readRecordsToList();
        assertThat(dead).extracting(PoisonCommandTest::reason).satisfiesExactly(
                r -> assertThat(r).startsWith("missing_key"),
                r -> assertThat(r).startsWith("missing_field").contains("command_id"));
        assertThat(planner.results.isEmpty()).isTrue();
    }

    private static String reason(TestRecord<String, byte[]> record) {
        return text(record.headers(), Topics.HEADER_DLQ_REASON);
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
