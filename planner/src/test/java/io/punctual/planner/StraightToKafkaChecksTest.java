package io.punctual.planner;

import io.punctual.schemas.command.Reasons;
import io.punctual.planner.command.SpecGuard;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands produced straight to punctual.commands skip the gateway: the planner checks again what it can (sizes,
 * webhook URL policy, that the key's ciphertext was made for the schedule and belongs to the command's tenant)
 * and answers a rejection with a reason, never storing the schedule and never failing.
 */
class StraightToKafkaChecksTest extends PlannerTestBase {
    private static final KeyMaterial KEYS = KeyMaterial.generate();
    private static final String KEY_A = "sk-let-a";
    private static final String KEY_B = "sk-let-b";
    private static final String TENANT_A = KEYS.tenantIds().of(KEY_A);

    private PlannerHarness planner;

    @BeforeEach
    void start() {
        planner = planner(UnaryOperator.identity(), PlannerHarness.START,
                new SpecGuard(3, 200, WebhookUrlPolicy.publicOnly(), KEYS, KafkaTopicPolicy.of("user.", "")));
    }

    private static ScheduleSpec spec(String scheduleId, Object target) {
        return ScheduleSpec.newBuilder().setTenant(TENANT_A).setTarget(target)
                .setCadence(new OnceCadence(PlannerHarness.START.plusSeconds(3600))).build();
    }

    private static LettaTarget letta(String scheduleId, String key, int messages, int chars) {
        List<LettaMessage> list = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            list.add(LettaMessage.newBuilder().setRole("user").setContent("x".repeat(chars)).build());
        }
        return LettaTarget.newBuilder().setAgentId("agent-1").setMessages(list)
                .setApiKeyCiphertext(KEYS.apiKeyCipher().encrypt(key, scheduleId)).build();
    }

    private static WebhookTarget webhook(String url, String body) {
        return WebhookTarget.newBuilder().setUrl(url).setBodyJson(body).build();
    }

    private CommandResult create(String scheduleId, Object target) {
        return planner.send(TestCommands.create(scheduleId, spec(scheduleId, target)));
    }

    private void assertRejected(CommandResult result, String reason, String scheduleId) {
        assertThat(result.getAccepted()).as(result.getMessage()).isFalse();
        assertThat(result.getReason()).isEqualTo(reason);
        assertThat(result.getMessage()).isNotBlank().doesNotContain(KEY_A).doesNotContain(KEY_B);
        assertThat(planner.scheduleStore().get(scheduleId)).isNull();
    }

    @Test
    void aKeyOfAnotherTenantIsRejected() {
        assertRejected(create("s-other-key", letta("s-other-key", KEY_B, 1, 5)), Reasons.TENANT_MISMATCH, "s-other-key");
        assertThat(create("s-own-key", letta("s-own-key", KEY_A, 1, 5)).getAccepted()).isTrue();
    }

    @Test
    void aCiphertextCopiedFromAnotherScheduleOrMadeUpIsRejected() {
        assertRejected(create("s-copied", letta("s-elsewhere", KEY_A, 1, 5)), Reasons.UNDECRYPTABLE, "s-copied");
        LettaTarget madeUp = LettaTarget.newBuilder(letta("s-made-up", KEY_A, 1, 5)).setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build();
        assertRejected(create("s-made-up", madeUp), Reasons.UNDECRYPTABLE, "s-made-up");
        KeyMaterial otherDeployment = KeyMaterial.generate();
        LettaTarget foreign = LettaTarget.newBuilder(letta("s-foreign", KEY_A, 1, 5))
                .setApiKeyCiphertext(otherDeployment.apiKeyCipher().encrypt(KEY_A, "s-foreign")).build();
        assertRejected(create("s-foreign", foreign), Reasons.UNDECRYPTABLE, "s-foreign");
    }

    @Test
    void sizesAreCheckedAgain() {
        assertRejected(create("s-many", letta("s-many", KEY_A, 4, 5)), Reasons.TOO_LARGE, "s-many");
        assertRejected(create("s-long", letta("s-long", KEY_A, 1, 300)), Reasons.TOO_LARGE, "s-long");
        // 180 bytes of JSON against the limit of 200: the quick bound (6 bytes a char) is above it, the exact size is not.
        assertThat(create("s-near", letta("s-near", KEY_A, 1, 150)).getAccepted()).isTrue();
        assertRejected(create("s-body", webhook("https://93.184.215.14/hook", "{\"b\":\"" + "y".repeat(300) + "\"}")), Reasons.TOO_LARGE, "s-body");
        KafkaTarget big = KafkaTarget.newBuilder().setTopic("user.events").setValueJson("\"" + "z".repeat(300) + "\"").setHeaders(Map.of()).build();
        assertRejected(create("s-value", big), Reasons.TOO_LARGE, "s-value");
    }

    @Test
    void theWebhookUrlPolicyIsCheckedAgainWithoutDns() {
        assertRejected(create("s-metadata", webhook("http://169.254.169.254/latest/meta-data", "{}")), Reasons.URL_NOT_ALLOWED, "s-metadata");
        assertRejected(create("s-private", webhook("http://10.0.0.7/hook", "{}")), Reasons.URL_NOT_ALLOWED, "s-private");
        assertRejected(create("s-localhost", webhook("http://localhost:8080/hook", "{}")), Reasons.URL_NOT_ALLOWED, "s-localhost");
        assertRejected(create("s-scheme", webhook("file:///etc/passwd", "{}")), Reasons.URL_NOT_ALLOWED, "s-scheme");
        // A name is not resolved here (the executor resolves and judges it before every call).
        assertThat(create("s-name", webhook("https://hooks.example.invalid/x", "{}")).getAccepted()).isTrue();
        assertThat(create("s-public", webhook("https://93.184.215.14/hook", "{}")).getAccepted()).isTrue();
    }

    @Test
    void aWebhookSecretOrHeadersThatDoNotDecryptAreRejected() {
        WebhookTarget badSecret = WebhookTarget.newBuilder(webhook("https://93.184.215.14/hook", "{}"))
                .setSecretCiphertext(KEYS.apiKeyCipher().encrypt("whsec-0123456789abcdef", "s-elsewhere")).build();
        assertRejected(create("s-bad-secret", badSecret), Reasons.UNDECRYPTABLE, "s-bad-secret");
        WebhookTarget badHeaders = WebhookTarget.newBuilder(webhook("https://93.184.215.14/hook", "{}"))
                .setHeadersCiphertext(ByteBuffer.wrap(new byte[]{9, 9, 9})).build();
        assertRejected(create("s-bad-headers", badHeaders), Reasons.UNDECRYPTABLE, "s-bad-headers");
        WebhookTarget good = WebhookTarget.newBuilder(webhook("https://93.184.215.14/hook", "{}"))
                .setSecretCiphertext(KEYS.apiKeyCipher().encrypt("whsec-0123456789abcdef", "s-good"))
                .setHeadersCiphertext(KEYS.apiKeyCipher().encryptHeaders(Map.of("Authorization", "Bearer t"), "s-good")).build();
        assertThat(create("s-good", good).getAccepted()).isTrue();
    }

    @Test
    void aPatchIsCheckedLikeACreate() {
        assertThat(create("s-patched", letta("s-patched", KEY_A, 1, 5)).getAccepted()).isTrue();
        CommandResult patched = planner.send(TestCommands.command("s-patched", TENANT_A, null,
                PatchSchedule.newBuilder().setTarget(letta("s-patched", KEY_B, 1, 5)).build()));
        assertThat(patched.getAccepted()).isFalse();
        assertThat(patched.getReason()).isEqualTo(Reasons.TENANT_MISMATCH);
        assertThat(planner.scheduleStore().get("s-patched").getVersion()).isEqualTo(1);
    }
}
