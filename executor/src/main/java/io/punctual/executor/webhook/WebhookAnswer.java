package io.punctual.executor.webhook;

/**
 * A webhook receiver's answer, whatever its status.
 *
 * @param status     the HTTP status
 * @param body       the body as text (empty if none)
 * @param retryAfter the {@code Retry-After} header, or null
 */
record WebhookAnswer(int status, String body, String retryAfter) {
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
