package io.punctual.gateway.auth;

import io.micronaut.http.client.HttpClient;
import io.punctual.testkit.LettaStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Key checks against a real HTTP server standing in for Letta: a known tenant's re-check never holds its requests. */
class LettaKeyVerifierTest {
    private static final String KEY = "sk-let-verifier";
    private static final Duration TTL = Duration.ofMillis(300);

    private final LettaStandIn letta = new LettaStandIn();
    private HttpClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        letta.close();
    }

    @Test
    void aStaleVerdictIsServedWhileOneRecheckRunsAndARevokedKeyIsRefusedOnceItAnswers() throws Exception {
        LettaKeyVerifier verifier = verifier();
        assertThat(verifier.isValid(KEY, "t1", "10.0.0.1")).isTrue();
        assertThat(keyChecks()).isEqualTo(1);

        Thread.sleep(TTL.toMillis() + 50); // past valid-ttl, within twice it: the verdict is stale, not gone
        letta.delayResponses(Duration.ofSeconds(2)).acceptOnlyKnownKeys(); // Letta slow, and the key revoked
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(verifier.isValid(KEY, "t1", "10.0.0.1")).isTrue();
        }
        // Twenty requests answered on the stale verdict without waiting for Letta's 2 s, and one re-check asked.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> keyChecks() == 2);

        // The re-check answers 401: from then on the tenant is refused, without asking again.
        await().atMost(Duration.ofSeconds(10)).until(() -> !verifier.isValid(KEY, "t1", "10.0.0.1"));
        assertThat(keyChecks()).isEqualTo(2);
    }

    @Test
    void aVerdictOlderThanTwiceTheTtlIsCheckedInTheRequest() throws Exception {
        LettaKeyVerifier verifier = verifier();
        assertThat(verifier.isValid(KEY, "t1", "10.0.0.1")).isTrue();
        Thread.sleep(2 * TTL.toMillis() + 50);
        letta.acceptOnlyKnownKeys();
        // Too old to be served: this request waits for Letta's answer, which refuses the revoked key.
        assertThat(verifier.isValid(KEY, "t1", "10.0.0.1")).isFalse();
        assertThat(keyChecks()).isEqualTo(2);
    }

    private LettaKeyVerifier verifier() throws Exception {
        client = HttpClient.create(new URL(letta.baseUrl()));
        UnknownKeyBudget budget = new UnknownKeyBudget(100, 100, 100, 100, 1000);
        return new LettaKeyVerifier(client, budget, TTL, Duration.ofSeconds(30), 1000, 1000);
    }

    private long keyChecks() {
        return letta.requests().stream().filter(r -> r.path().startsWith("/v1/agents")).count();
    }
}
