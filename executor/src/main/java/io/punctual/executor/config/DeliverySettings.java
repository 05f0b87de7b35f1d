package io.punctual.executor.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How deliveries are made, retried and de-duplicated; built from the {@code punctual.executor.*} keys of
 * {@link ExecutorConfig}.
 *
 * @param maxPollRecords          most due events in one batch (one transaction)
 * @param retryBaseDelay          first step of the exponential backoff
 * @param retryMaxDelay           cap of one backoff step
 * @param replyMaxChars           most characters of a synchronous reply kept in the result
 * @param allowedLettaBaseUrls    Letta servers a schedule may name besides the deployment's default
 * @param dedupCapacity           finished fire ids remembered
 * @param dedupRestoreWindow      how far back {@code punctual.results} is read at start
 */
public record DeliverySettings(int maxPollRecords, Duration retryBaseDelay, Duration retryMaxDelay, int replyMaxChars,
                               List<String> allowedLettaBaseUrls, int dedupCapacity, Duration dedupRestoreWindow) {
    public DeliverySettings {
        Objects.requireNonNull(retryBaseDelay, "retryBaseDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        Objects.requireNonNull(dedupRestoreWindow, "dedupRestoreWindow");
        allowedLettaBaseUrls = List.copyOf(allowedLettaBaseUrls);
        if (maxPollRecords < 1 || replyMaxChars < 0 || dedupCapacity < 1) {
            throw new IllegalArgumentException("max poll records and dedup capacity must be positive, reply max chars not negative");
        }
        if (retryBaseDelay.isNegative() || retryMaxDelay.compareTo(retryBaseDelay) < 0) {
            throw new IllegalArgumentException("retry delays must satisfy 0 <= base <= max");
        }
    }

    /** The defaults of {@link ExecutorConfig}, for code that runs without configuration (tests, benchmarks). */
    public static DeliverySettings defaults() {
        return new ExecutorConfig().deliverySettings();
    }
}
