package io.punctual.executor.webhook;

import java.util.Map;

/**
 * One webhook call, fully prepared: the headers include the idempotency key and the signature.
 *
 * @param method  POST or PUT
 * @param url     absolute URL, already checked against the URL policy
 * @param headers every header to send
 * @param body    the exact body bytes (what the signature covers)
 */
record WebhookRequest(String method, String url, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
        // Headers may carry a tenant's credentials.
        return "WebhookRequest[" + method + " " + url + "]";
    }
}
