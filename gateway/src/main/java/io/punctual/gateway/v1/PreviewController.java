package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.body.BodyBinder;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.punctual.gateway.command.ScheduleCommands;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.JsonBodies;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.kernel.config.ConfigKeys;

import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When would a schedule fire? {@code POST /v1/schedules/preview} takes a create body and answers its next fire
 * times, computed by the planner's own calculator and validated exactly like a create (nothing is stored);
 * {@code GET /v1/schedules/{id}/preview} answers them for a stored schedule. Each fire time carries its local time
 * in the schedule's zone and, when the zone's offset changed since the previous fire, the transition.
 */
@Controller("/v1/schedules")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class PreviewController {
    private static final int DEFAULT_COUNT = 10;
    private static final int MAX_COUNT = 100;
    /** Nothing is stored by a preview, so nothing is encrypted either. */
    private static final Sealer NOTHING_SEALED = new Sealer() {
        @Override
        public ByteBuffer apiKey() {
            return ByteBuffer.allocate(0);
        }

        @Override
        public ByteBuffer secret(String plaintext) {
            return ByteBuffer.allocate(0);
        }

        @Override
        public ByteBuffer headers(Map<String, String> plaintext) {
            return ByteBuffer.allocate(0);
        }

        @Override
        public Optional<String> previousHeader(String name) {
            return Optional.empty();
        }
    };

    private final ScheduleCommands schedules;
    private final RequestLimits limits;
    private final BodyBinder bodies;

    public PreviewController(ScheduleCommands schedules, RequestLimits limits, BodyBinder bodies) {
        this.schedules = schedules;
        this.limits = limits;
        this.bodies = bodies;
    }

    /**
     * The next {@code count} fire times (1 to 100, default 10) of a create body, computed by the planner's own rules,
     * each with its local time and DST transition; nothing is stored. The body is validated like a create's and
     * refused with the same problem+json. The target may be left out (only the timing is then checked); when it is
     * given it is validated too, so a form can check a whole schedule without creating it.
     */
    @Post("/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleBody.class)))
    public FirePreview.Fires preview(Caller caller,
                              @Nullable @QueryValue("count") String countText, @Nullable @Body String body) {
        int count = count(countText);
        JsonNode json = JsonBodies.parse(body);
        if (json != null && json.isObject() && !json.has("target") && ScheduleBody.SHORT_FORM.stream().noneMatch(json::has)) {
            // Timing only: stand in a placeholder target so the rest is judged exactly as a create would.
            ObjectNode withTarget = ((ObjectNode) json).deepCopy();
            withTarget.put("agent_id", "preview");
            withTarget.putArray("messages").addObject().put("role", "user").put("content", "preview");
            json = withTarget;
        }
        Instant now = Instant.now();
        ScheduleRequest request = ScheduleRequest.parse(json, caller.tenant(), limits, NOTHING_SEALED, now, bodies);
        List<Instant> times = FirePreview.firstFires(request.spec(), now, count);
        return FirePreview.render(times, zoneOf(request.spec().getCadence(), json.get("timezone")), now);
    }

    /** The next {@code count} fire times (1 to 100, default 10) of a stored schedule, as the preview of a create body. */
    @Get("/{id}/preview")
    public FirePreview.Fires previewStored(Caller caller, @PathVariable String id,
                                    @Nullable @QueryValue("count") String countText) {
        int count = count(countText);
        ScheduleState state = schedules.visible(caller, id);
        return FirePreview.render(Cadences.next(state, count), zoneOf(state.getSpec().getCadence(), null), Instant.now());
    }

    private static int count(@Nullable String text) {
        if (text == null) {
            return DEFAULT_COUNT;
        }
        try {
            int count = Integer.parseInt(text.trim());
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalid("count", "must be an integer from 1 to " + MAX_COUNT);
    }

    /** A cron schedule's own zone; other cadences have none, so the request's top-level timezone or UTC. */
    private static ZoneId zoneOf(Object cadence, @Nullable JsonNode timezone) {
        String name = cadence instanceof CronCadence cron ? cron.getTimezone()
                : timezone != null && timezone.isTextual() ? timezone.asText() : "UTC";
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw ApiProblem.invalid("timezone", "must be an IANA time zone name such as Europe/Berlin");
        }
    }
}
