package io.punctual.gateway.v1;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Door 1's answers keep their JSON exactly (see {@link WireShapes}); a merge patch applies to the same writable fields. */
class V1WireShapeTest {
    static List<ScheduleState> states() {
        var webhook = WebhookTarget.newBuilder().setUrl("https://h").setMethod(WebhookMethod.PUT).setBodyJson("{\"a\":null,\"b\":[]}")
                .setHeaders(Map.of("X-A", "v")).setHeaderNames(List.of("X-B")).build();
        var webhookEmpty = WebhookTarget.newBuilder().setUrl("https://h").setMethod(WebhookMethod.POST).setBodyJson("{}").build();
        var kafka = KafkaTarget.newBuilder().setTopic("t").setValueJson("[]").setHeaders(Map.of("h", "")).build();
        var kafkaKey = KafkaTarget.newBuilder().setTopic("t").setKey("k").setValueJson("\"s\"").build();
        var once = OnceCadence.newBuilder().setAt(Instant.parse("2030-01-01T09:00:00Z")).build();
        var cron = CronCadence.newBuilder().setExpression("0 9 * * *").setTimezone("Europe/Berlin").build();
        var interval = IntervalCadence.newBuilder().setEveryMs(900_000).build();
        var anchored = IntervalCadence.newBuilder().setEveryMs(60_000).setAnchor(Instant.parse("2030-01-01T09:00:00Z")).build();
        return List.of(WireShapes.state(WireShapes.letta(false), once, false), WireShapes.state(WireShapes.letta(true), cron, true),
                WireShapes.state(webhook, interval, true), WireShapes.state(webhookEmpty, anchored, false),
                WireShapes.state(kafka, once, true), WireShapes.state(kafkaKey, cron, false));
    }

    @Test
    void schedulesRunsAndPreviewsRenderAsBefore() throws Exception {
        WireShapes wire = WireShapes.of("door1");
        for (ScheduleState s : states()) {
            wire.same(ScheduleJson.of(s));
            wire.same(ScheduleFields.of(s.getSpec()));
            assertThat(ScheduleFields.of(s.getSpec()).tree().toString()).isEqualTo(WireShapes.json(ScheduleFields.of(s.getSpec())));
        }
        List<ExecutionResult> runs = WireShapes.runs();
        for (ExecutionResult r : runs) {
            wire.same(RunJson.of(r));
        }
        wire.same(new RunJson.Page(List.of(), null));
        wire.same(new RunJson.Page(runs.stream().map(RunJson::of).toList(), "c"));
        wire.same(new RunJson.WithAttempts(RunJson.of(runs.get(0)), runs.stream().map(RunJson::of).toList()));
        wire.same(new ScheduleJson.Page(List.of(), null));
        Instant now = Instant.parse("2026-03-20T00:00:00Z");
        List<Instant> times = List.of(Instant.parse("2026-03-28T09:00:00Z"), Instant.parse("2026-03-30T09:00:00Z"), Instant.parse("2026-10-30T09:00:00Z"));
        wire.same(FirePreview.render(times, ZoneId.of("Europe/Berlin"), now));
        wire.same(FirePreview.render(List.of(), ZoneId.of("UTC"), now));
        wire.done();
    }
}
