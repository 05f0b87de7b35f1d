package io.punctual.executor.delivery;

import io.punctual.schemas.ContentPart;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ImageSource;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every result carries what its fire sent, so door 2's /results shows it after the schedule changed or went. */
class ExecutionResultsTest {
    private static final Instant AT = Instant.parse("2026-11-07T19:30:00Z");

    private static DueEvent fire(Object target) {
        return DueEvent.newBuilder().setFireId("s-1@" + AT.toEpochMilli()).setScheduleId("s-1").setTenant("t")
                .setCadenceType("once").setScheduledFor(AT).setEmittedAt(AT).setTarget(target).build();
    }

    private static LettaTarget letta(Object firstContent) {
        return LettaTarget.newBuilder().setAgentId("agent-1").setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1}))
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent(firstContent).build(),
                        LettaMessage.newBuilder().setRole("user").setContent("second message").build()))
                .build();
    }

    @Test
    void aLettaResultCarriesTheCadenceTypeAndTheFirstMessagesText() {
        ExecutionResult delivered = ExecutionResults.delivered(fire(letta("Reminder!")), AT, AT, 200, "run-1");
        assertThat(delivered.getCadenceType()).isEqualTo("once");
        assertThat(delivered.getMessageText()).isEqualTo("Reminder!");
        ExecutionResult failed = ExecutionResults.failed(fire(letta("Reminder!")), AT, AT, 500, "boom");
        assertThat(failed.getMessageText()).isEqualTo("Reminder!");
    }

    @Test
    void aMultiPartMessageGivesItsTextPartsOnly() {
        List<ContentPart> parts = List.of(
                ContentPart.newBuilder().setType("text").setText("Look at").build(),
                ContentPart.newBuilder().setType("image").setSource(ImageSource.newBuilder().setType("base64")
                        .setMediaType("image/png").setData("aGVsbG8=").build()).build(),
                ContentPart.newBuilder().setType("text").setText("this chart").build());
        assertThat(ExecutionResults.delivered(fire(letta(parts)), AT, AT, 200, "run-2").getMessageText()).isEqualTo("Look at\nthis chart");
    }

    @Test
    void otherTargetsHaveNoMessageText() {
        WebhookTarget hook = WebhookTarget.newBuilder().setUrl("https://example.com/h").setMethod(WebhookMethod.POST)
                .setHeaders(Map.of()).setBodyJson("{}").build();
        ExecutionResult result = ExecutionResults.delivered(fire(hook), AT, AT, 200, null);
        assertThat(result.getMessageText()).isNull();
        assertThat(result.getCadenceType()).isEqualTo("once");
    }
}
