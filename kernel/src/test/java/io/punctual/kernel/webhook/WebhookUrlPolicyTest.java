package io.punctual.kernel.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookUrlPolicyTest {
    /** Fixed DNS answers, so the test does not depend on the network. */
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "sneaky.example.com", "10.0.0.7",
            "rebind.example.com", "127.0.0.1",
            "v6.example.com", "2606:2800:220:1:248:1893:25c8:1946");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host);
        return new InetAddress[]{InetAddress.getByName(ip)};
    }

    private static String refusal(WebhookUrlPolicy policy, String url) {
        return policy.refusal(url, WebhookUrlPolicyTest::resolve).orElse("allowed");
    }

    @Test
    void publicAddressesAreAllowed() {
        WebhookUrlPolicy policy = WebhookUrlPolicy.publicOnly();
        assertThat(refusal(policy, "https://hooks.example.com/x")).isEqualTo("allowed");
        assertThat(refusal(policy, "https://v6.example.com/x")).isEqualTo("allowed");
    }

    @Test
    void internalRangesAreRefusedInIpv4AndIpv6() {
        WebhookUrlPolicy policy = WebhookUrlPolicy.publicOnly();
        assertThat(refusal(policy, "http://127.0.0.1:8080/x")).contains("loopback");
        assertThat(refusal(policy, "http://[::1]/x")).contains("loopback");
        assertThat(refusal(policy, "http://rebind.example.com/x")).contains("loopback");
        assertThat(refusal(policy, "http://sneaky.example.com/x")).contains("private");
        assertThat(refusal(policy, "http://192.168.1.1/x")).contains("private");
        assertThat(refusal(policy, "http://172.16.0.1/x")).contains("private");
        assertThat(refusal(policy, "http://100.64.0.1/x")).contains("private");
        assertThat(refusal(policy, "http://[fc00::1]/x")).contains("private");
        assertThat(refusal(policy, "http://169.254.169.254/x")).contains("link-local");
        assertThat(refusal(policy, "http://[fe80::1]/x")).contains("link-local");
        assertThat(refusal(policy, "http://0.0.0.0/x")).contains("unspecified");
        assertThat(refusal(policy, "http://[::]/x")).contains("unspecified");
        assertThat(refusal(policy, "http://[::ffff:10.0.0.1]/x")).contains("private");
        assertThat(refusal(policy, "http://[64:ff9b::a9fe:a9fe]/x")).contains("link-local");
        assertThat(refusal(policy, "http://224.0.0.1/x")).contains("multicast");
    }

    @Test
    void malformedUrlsAreRefused() {
        WebhookUrlPolicy policy = WebhookUrlPolicy.publicOnly();
        assertThat(refusal(policy, "file:///etc/passwd")).contains("scheme");
        assertThat(refusal(policy, "https://user:pw@hooks.example.com/")).contains("credentials");
        assertThat(refusal(policy, "not a url")).isNotEqualTo("allowed");
        assertThat(refusal(policy, "https://unknown.invalid/")).contains("does not resolve");
    }

    @Test
    void loopbackAndPrivateCanBeAllowedAndHostsListed() {
        WebhookUrlPolicy standalone = new WebhookUrlPolicy(true, false, Set.of(), Set.of());
        assertThat(refusal(standalone, "http://127.0.0.1:8080/x")).isEqualTo("allowed");
        assertThat(refusal(standalone, "http://169.254.169.254/x")).contains("link-local");
        assertThat(refusal(standalone, "http://10.0.0.1/x")).contains("private");

        WebhookUrlPolicy lists = new WebhookUrlPolicy(false, false, Set.of("Sneaky.example.com"), Set.of(".example.com"));
        assertThat(refusal(lists, "https://hooks.example.com/x")).contains("denied");
        WebhookUrlPolicy allow = new WebhookUrlPolicy(false, false, Set.of("sneaky.example.com"), Set.of());
        assertThat(refusal(allow, "https://sneaky.example.com/x")).isEqualTo("allowed");
    }
}
