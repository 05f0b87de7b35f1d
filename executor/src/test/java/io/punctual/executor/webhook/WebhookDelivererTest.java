package io.punctual.executor.webhook;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.WebhookReceiver;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook URL policy as the executor applies it by default: internal addresses are never called. */
class WebhookDelivererTest {
    private static WebhookReceiver receiver;
    private static ApplicationContext context;
    private static Deliverer deliverer;
    private static Fires fires;

    @BeforeAll
    static void start() {
        receiver = new WebhookReceiver();
        KeyMaterial keys = KeyMaterial.generate();
        context = ApplicationContext.run(Map.of(ConfigKeys.EXECUTOR_ENABLED, "false",
                ConfigKeys.PLANNER_ENABLED, "false", ConfigKeys.KEYSET_JSON, keys.toJson()));
        deliverer = context.getBean(Deliverer.class);
        fires = new Fires(keys.apiKeyCipher());
    }

    @AfterAll
    static void stop() {
        context.close();
        receiver.close();
    }

    private static Attempt deliver(String url) throws Exception {
        DueEvent fire = fires.webhookFire(url, WebhookMethod.POST, Map.of(), "{}", null);
        return deliverer.deliver(fire).get(10, TimeUnit.SECONDS);
    }

    @Test
    void loopbackIsRefusedUnlessAllowedAndNothingIsSent() throws Exception {
        String url = receiver.url("/internal");
        Attempt attempt = deliver(url);

        assertThat(attempt.result().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(attempt.retryable()).isFalse();
        assertThat(attempt.result().getDetail()).contains("loopback");
        assertThat(deliver(url.replace("127.0.0.1", "localhost")).result().getDetail()).contains("loopback");
        assertThat(deliver(url.replace("127.0.0.1", "[::1]")).result().getDetail()).contains("loopback");
        assertThat(receiver.received("/internal")).isEmpty();
    }

    @Test
    void metadataAndPrivateAddressesAreRefused() throws Exception {
        assertThat(deliver("http://169.254.169.254/latest/meta-data").result().getDetail()).contains("link-local");
        assertThat(deliver("http://10.1.2.3/hook").result().getDetail()).contains("private");
        assertThat(deliver("http://[fd00::1]/hook").result().getDetail()).contains("private");
        assertThat(deliver("http://[::ffff:127.0.0.1]/hook").result().getDetail()).contains("loopback");
        assertThat(deliver("ftp://example.com/hook").result().getDetail()).contains("scheme");
    }

    @Test
    void headersThatDoNotDecryptFailTheFireWithoutARequest() throws Exception {
        DueEvent fire = fires.webhookFire("https://93.184.215.14/hook", WebhookMethod.POST, Map.of("Authorization", "Bearer x"), "{}", null);
        // Headers sealed for another schedule: the AEAD binding refuses them.
        WebhookTarget target = WebhookTarget.newBuilder((WebhookTarget) fire.getTarget())
                .setHeadersCiphertext(KeyMaterial.generate().apiKeyCipher().encryptHeaders(Map.of("Authorization", "Bearer x"), fire.getScheduleId()))
                .build();
        Attempt attempt = deliverer.deliver(DueEvent.newBuilder(fire).setTarget(target).build()).get(10, TimeUnit.SECONDS);

        assertThat(attempt.result().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(attempt.retryable()).isFalse();
        assertThat(attempt.result().getDetail()).isEqualTo(WebhookDeliverer.UNDECRYPTABLE_HEADERS);
    }
}
