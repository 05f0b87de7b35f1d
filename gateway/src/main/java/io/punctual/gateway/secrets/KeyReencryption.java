package io.punctual.gateway.secrets;

import io.micronaut.context.annotation.Requires;
import io.punctual.gateway.command.CommandGateway;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Re-encrypts every secret the AEAD keyset protects under its current primary key: Letta API keys, webhook
 * signing secrets and webhook headers (after which the older keys can be retired). Each schedule is changed by a
 * patch command through the planner (the single writer of schedule state), conditional on the version read, so
 * a schedule changed meanwhile is simply re-read and done again on the next run.
 */
@Singleton
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
public class KeyReencryption {
    private static final Logger LOG = LoggerFactory.getLogger(KeyReencryption.class);

    /** What a run did: schedules re-encrypted, already skipped because they changed meanwhile, and failures. */
    record Report(int reencrypted, int conflicts, int failed) {
    }

    private final GatewayViews views;
    private final CommandGateway commands;
    private final ApiKeyCipher cipher;

    public KeyReencryption(GatewayViews views, CommandGateway commands, KeyMaterial keys) {
        this.views = views;
        this.commands = commands;
        this.cipher = keys.apiKeyCipher();
    }

    public Report run(Duration catchUpTimeout) throws InterruptedException {
        if (!views.awaitCaughtUp(catchUpTimeout)) {
            throw new IllegalStateException("The schedule view did not catch up within " + catchUpTimeout);
        }
        List<CompletableFuture<CommandResult>> pending = new ArrayList<>();
        int[] failedCount = {0};
        // The view iterates its store on disk; nothing holds every schedule in memory.
        views.schedules().forEach(state -> {
            Object rewritten;
            try {
                rewritten = reencrypted(state.getSpec().getTarget(), state.getScheduleId());
            } catch (GeneralSecurityException e) {
                // Never the secret itself in the log: only which schedule could not be decrypted.
                LOG.error("A secret of schedule {} does not decrypt with this keyset; it is left as it is", state.getScheduleId());
                failedCount[0]++;
                return;
            }
            if (rewritten == null) {
                return;
            }
            pending.add(commands.submit(ScheduleCommand.newBuilder()
                    .setCommandId(UUID.randomUUID().toString())
                    .setScheduleId(state.getScheduleId())
                    .setTenant(state.getSpec().getTenant())
                    .setIssuedAt(Instant.now())
                    .setExpectedVersion(state.getVersion())
                    .setAction(PatchSchedule.newBuilder().setTarget(rewritten).build())
                    .build()));
        });
        int failed = failedCount[0];
        int done = 0;
        int conflicts = 0;
        for (CompletableFuture<CommandResult> result : pending) {
            try {
                CommandResult r = result.join();
                if (r.getAccepted()) {
                    done++;
                } else if (Reasons.VERSION_CONFLICT.equals(r.getReason()) || Reasons.NOT_FOUND.equals(r.getReason())) {
                    conflicts++;
                } else {
                    LOG.error("The planner refused to re-encrypt schedule {}: {}", r.getScheduleId(), r.getReason());
                    failed++;
                }
            } catch (RuntimeException e) {
                LOG.error("A re-encryption was not acknowledged: {}", e.getMessage());
                failed++;
            }
        }
        LOG.info("Re-encrypted the secrets of {} schedules; {} schedules changed meanwhile, {} failed", done, conflicts, failed);
        return new Report(done, conflicts, failed);
    }

    /** The target with every ciphertext it holds under the primary key, or null if it holds none. */
    private Object reencrypted(Object target, String scheduleId) throws GeneralSecurityException {
        if (target instanceof LettaTarget letta) {
            return LettaTarget.newBuilder(letta).setApiKeyCiphertext(cipher.reencrypt(letta.getApiKeyCiphertext(), scheduleId)).build();
        }
        if (target instanceof WebhookTarget webhook && (webhook.getSecretCiphertext() != null || webhook.getHeadersCiphertext() != null)) {
            WebhookTarget.Builder builder = WebhookTarget.newBuilder(webhook);
            if (webhook.getSecretCiphertext() != null) {
                builder.setSecretCiphertext(cipher.reencrypt(webhook.getSecretCiphertext(), scheduleId));
            }
            if (webhook.getHeadersCiphertext() != null) {
                builder.setHeadersCiphertext(cipher.reencryptHeaders(webhook.getHeadersCiphertext(), scheduleId));
            }
            return builder.build();
        }
        return null;
    }
}
