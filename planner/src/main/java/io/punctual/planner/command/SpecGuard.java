package io.punctual.planner.command;

import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.secrets.TenantIds;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.regex.Pattern;

/**
 * The planner's own checks of what the gateway checks before it writes a command, for commands produced straight
 * to {@code punctual.commands}: sizes (messages, webhook body, Kafka value), the webhook URL policy, and that the
 * Letta key's ciphertext was made for this schedule with this deployment's keyset and belongs to the command's
 * tenant. What AEAD allows checking: the ciphertext's associated data binds it to the schedule id only, so
 * decrypting it with the schedule id proves it was made for this schedule by a holder of the keyset (not copied
 * from another schedule); the tenant is then checked by deriving it from the decrypted key, exactly as the
 * gateway derives it, so a command cannot file a key under another tenant. The key is held only for that
 * instant. A webhook's secret and headers must decrypt for this schedule too, so a bad ciphertext is refused at
 * once instead of failing every fire.
 *
 * <p>The URL policy is judged without DNS here (a stream thread must not block on a lookup): literal addresses and
 * {@code localhost} are judged, names pass; the executor resolves and judges every URL again before each call.
 */
public final class SpecGuard {
    /** A refusal: one of the {@link Reasons} and a sentence for the CommandResult. */
    record Refusal(String reason, String message) {
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Stands for "a name, judged by the executor": a documentation address (RFC 5737) no range refuses. */
    private static final byte[] UNRESOLVED_NAME = {(byte) 192, 0, 2, 1};

    private final int maxMessages;
    private final int maxMessageBytes;
    private final WebhookUrlPolicy urlPolicy;
    private final ApiKeyCipher cipher;
    private final TenantIds tenantIds;
    private final KafkaTopicPolicy kafkaTopics;

    /**
     * @param urlPolicy null to leave URLs to the executor alone
     * @param keys      null to skip the ciphertext checks (a planner without the keyset)
     */
    SpecGuard(int maxMessages, int maxMessageBytes, WebhookUrlPolicy urlPolicy, KeyMaterial keys) {
        this(maxMessages, maxMessageBytes, urlPolicy, keys, KafkaTopicPolicy.noneAllowed());
    }

    /** @param kafkaTopics the operator's allow-list of Kafka-target topics */
    public SpecGuard(int maxMessages, int maxMessageBytes, WebhookUrlPolicy urlPolicy, KeyMaterial keys, KafkaTopicPolicy kafkaTopics) {
        this.kafkaTopics = kafkaTopics;
        this.maxMessages = maxMessages;
        this.maxMessageBytes = maxMessageBytes;
        this.urlPolicy = urlPolicy;
        this.cipher = keys == null ? null : keys.apiKeyCipher();
        this.tenantIds = keys == null ? null : keys.tenantIds();
    }

    /** Only the structural checks of {@link SpecChecks}: for tests and tools that build the planner themselves. */
    public static SpecGuard none() {
        return new SpecGuard(Integer.MAX_VALUE, Integer.MAX_VALUE, null, null);
    }

    /** Only the structural checks and the given Kafka-target allow-list. */
    public static SpecGuard kafkaTopicsOnly(KafkaTopicPolicy kafkaTopics) {
        return new SpecGuard(Integer.MAX_VALUE, Integer.MAX_VALUE, null, null, kafkaTopics);
    }

    /** Whether the ciphertexts are checked (the planner has the keyset). */
    boolean checksKeys() {
        return cipher != null;
    }

    /** Why the spec of a schedule must not be stored, or null if it may. */
    Refusal refusal(ScheduleSpec spec, String scheduleId) {
        if (spec.getNotifyWebhook() != null) {
            // The notification webhook is called like a webhook target: the same URL policy, the same secret binding.
            Refusal notify = webhook(spec.getNotifyWebhook(), scheduleId);
            if (notify != null) {
                return new Refusal(notify.reason(), "notify_webhook: " + notify.message());
            }
        }
        Object target = spec.getTarget();
        if (target instanceof LettaTarget letta) {
            return letta(letta, spec.getTenant(), scheduleId);
        }
        if (target instanceof WebhookTarget webhook) {
            return webhook(webhook, scheduleId);
        }
        if (target instanceof KafkaTarget kafka) {
            // A tenant must not reach the registry's _schemas, the planner's changelogs or another tenant's topics.
            String refused = kafkaTopics.refusal(kafka.getTopic(), spec.getTenant()).orElse(null);
            if (refused != null) {
                return new Refusal(Reasons.TOPIC_NOT_ALLOWED, "target.topic " + refused + ".");
            }
            return tooLarge("The Kafka target's value", kafka.getValueJson());
        }
        return null;
    }

    private Refusal letta(LettaTarget target, String tenant, String scheduleId) {
        if (target.getMessages().size() > maxMessages) {
            return new Refusal(Reasons.TOO_LARGE, "The target has " + target.getMessages().size() + " messages; at most " + maxMessages + " are allowed.");
        }
        // The exact size only when the cheap bound does not already show the messages are within the limit.
        Refusal size = maxMessageBytes == Integer.MAX_VALUE || LettaMessagesJson.utf8LengthAtMost(target.getMessages()) <= maxMessageBytes ? null
                : tooLarge("The target's messages", LettaMessagesJson.toJson(target.getMessages()).toString());
        if (size != null || cipher == null) {
            return size;
        }
        String apiKey;
        try {
            apiKey = cipher.decrypt(target.getApiKeyCiphertext(), scheduleId);
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Refusal(Reasons.UNDECRYPTABLE, "The Letta key's ciphertext does not decrypt for schedule " + scheduleId
                    + " with this deployment's keyset (made for another schedule, or with another keyset).");
        }
        if (!tenantIds.of(apiKey).equals(tenant)) {
            return new Refusal(Reasons.TENANT_MISMATCH, "The Letta key does not belong to tenant " + tenant + ".");
        }
        return null;
    }

    private Refusal webhook(WebhookTarget target, String scheduleId) {
        Refusal size = tooLarge("The webhook body", target.getBodyJson());
        if (size != null) {
            return size;
        }
        if (urlPolicy != null) {
            var refused = urlPolicy.refusal(target.getUrl(), SpecGuard::withoutDns);
            if (refused.isPresent()) {
                return new Refusal(Reasons.URL_NOT_ALLOWED, "The webhook URL is not allowed: " + refused.get() + ".");
            }
        }
        if (cipher != null) {
            try {
                if (target.getSecretCiphertext() != null) {
                    cipher.decrypt(target.getSecretCiphertext(), scheduleId);
                }
                if (target.getHeadersCiphertext() != null) {
                    cipher.decryptHeaders(target.getHeadersCiphertext(), scheduleId);
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                return new Refusal(Reasons.UNDECRYPTABLE, "The webhook's secret or headers do not decrypt for schedule " + scheduleId
                        + " with this deployment's keyset.");
            }
        }
        return null;
    }

    private Refusal tooLarge(String what, String json) {
        if (json == null || maxMessageBytes == Integer.MAX_VALUE) {
            return null;
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        return bytes > maxMessageBytes
                ? new Refusal(Reasons.TOO_LARGE, what + " is " + bytes + " bytes of JSON; at most " + maxMessageBytes + " are allowed.")
                : null;
    }

    private static InetAddress[] withoutDns(String host) throws UnknownHostException {
        if (IPV4.matcher(host).matches() || host.contains(":")) {
            return InetAddress.getAllByName(host); // a literal: parsed, never looked up
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return new InetAddress[]{InetAddress.getLoopbackAddress()};
        }
        return new InetAddress[]{InetAddress.getByAddress(host, UNRESOLVED_NAME)};
    }
}
