package io.punctual.schemas.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void theHeaderIsTimestampAndHexHmacOfTimestampDotBody() {
        // Reference value: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        assertThat(WebhookSignature.header("whsec_test", AT, BODY))
                .isEqualTo("t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
    }

    @Test
    void verificationChecksSecretBodyAndAge() {
        String header = WebhookSignature.header("s3cret", AT, BODY);
        assertThat(WebhookSignature.verify(header, "s3cret", BODY, AT.plusSeconds(60), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, "other", BODY, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, "s3cret", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, "s3cret", BODY, AT.plusSeconds(600), Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("garbage", "s3cret", BODY, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(null, "s3cret", BODY, AT, Duration.ofMinutes(5))).isFalse();
    }
}
