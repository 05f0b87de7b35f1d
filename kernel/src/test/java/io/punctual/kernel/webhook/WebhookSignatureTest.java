package io.punctual.kernel.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000L);
    private static final String FIRE = "sch_1@1700000000000";

    @Test
    void theHeaderIsTimestampAndHexHmacOfTimestampFireIdAttemptAndBodyOnSeparateLines() {
        // Reference value: printf '%s\n%s\n%s\n%s' 1700000000 'sch_1@1700000000000' 2 '{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        assertThat(WebhookSignature.header("whsec_test", AT, FIRE, 2, BODY))
                .isEqualTo("t=1700000000,v1=b1f0079ea6c3e21397ee01f071d4a124a636d061990271d0a13651511a89d46a");
    }

    @Test
    void verificationChecksSecretBodyAndAge() {
        String header = WebhookSignature.header("s3cret", AT, FIRE, 1, BODY);
        assertThat(WebhookSignature.verify(header, "s3cret", FIRE, 1, BODY, AT.plusSeconds(60), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, "other", FIRE, 1, BODY, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, "s3cret", FIRE, 1, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, "s3cret", FIRE, 1, BODY, AT.plusSeconds(600), Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("garbage", "s3cret", FIRE, 1, BODY, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(null, "s3cret", FIRE, 1, BODY, AT, Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void aSignatureDoesNotVouchForAnotherFireOrAttempt() {
        // Replaying a captured request with another fire's id (or as another attempt) must not verify.
        String header = WebhookSignature.header("s3cret", AT, FIRE, 1, BODY);
        assertThat(WebhookSignature.verify(header, "s3cret", "sch_1@1700000060000", 1, BODY, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, "s3cret", FIRE, 2, BODY, AT, Duration.ofMinutes(5))).isFalse();
    }
}
