package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.gateway.auth.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.punctual.gateway.command.ScheduleCommands;
import io.punctual.gateway.command.SimpleSpecs;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.JsonBodies;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.gateway.view.ScheduleView;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.gateway.v1.Cadences;
import io.punctual.cadence.CadenceProblem;
import io.punctual.gateway.problem.FieldError;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;

import java.util.List;

/**
 * Door 3: Letta's native schedule API ({@code /v1/agents/{agent_id}/schedule}), so a program using Letta's SDK
 * with its base URL pointed here schedules messages without a change.
 */
@Controller("/v1/agents/{agentId}/schedule")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class AgentScheduleController {
    private static final int MAX_LIMIT = 100;

    private final ScheduleCommands schedules;
    private final GatewayViews views;
    private final ApiKeyCipher cipher;
    private final NativeRequests requests;

    public AgentScheduleController(ScheduleCommands schedules, GatewayViews views, KeyMaterial keys, NativeRequests requests) {
        this.schedules = schedules;
        this.views = views;
        this.cipher = keys.apiKeyCipher();
        this.requests = requests;
    }

    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = NativeBody.class)))
    public CompletableFuture<NativeJson.Created> create(Caller caller, @PathVariable String agentId,
                             @Nullable @Body String body) {
        JsonNode json = JsonBodies.parse(body);
        String id = ScheduleCommands.newScheduleId();
        NativeRequests.Parsed parsed = requests.parse(agentId, json, () -> cipher.encrypt(caller.apiKey(), id));
        ScheduleSpec spec = SimpleSpecs.letta(caller.tenant(), parsed.target(), parsed.cadence());
        List<FieldError> errors = new ArrayList<>();
        Cadences.check(spec, Instant.now(), p -> p == CadenceProblem.IN_THE_PAST ? "schedule.scheduled_at" : "schedule.cron_expression", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return schedules.createAsync(caller, id, spec, false, null).thenApply(state -> new NativeJson.Created(
                state.getScheduleId(), state.getNextFireAt() == null ? null : state.getNextFireAt().toString()));
    }

    @Get
    public NativeJson.Page list(Caller caller, @PathVariable String agentId,
                           @Nullable @QueryValue("after") String after, @Nullable @QueryValue("limit") String limitText) {
        int limit = limit(limitText);
        ScheduleView.Page page = views.schedules().page(caller.tenant(), agentId, after == null || after.isEmpty() ? null : after, limit,
                NativeJson::isShown);
        return new NativeJson.Page(page.after() != null, page.items().stream().map(NativeJson::scheduledMessage).toList());
    }

    @Get("/{scheduledMessageId}")
    public NativeJson.ScheduledMessage get(Caller caller, @PathVariable String agentId,
                          @PathVariable String scheduledMessageId) {
        return NativeJson.scheduledMessage(own(caller, agentId, scheduledMessageId));
    }

    @Delete("/{scheduledMessageId}")
    public CompletableFuture<NativeJson.Deleted> delete(Caller caller, @PathVariable String agentId,
                             @PathVariable String scheduledMessageId) {
        own(caller, agentId, scheduledMessageId);
        return schedules.sendAsync(caller, scheduledMessageId, null, DeleteSchedule.newBuilder().build())
                .thenApply(state -> new NativeJson.Deleted(true));
    }

    private ScheduleState own(Caller caller, String agentId, String id) {
        return schedules.own(caller, id).filter(s -> NativeJson.isShown(s, agentId))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No scheduled message " + id + " exists for agent " + agentId + "."));
    }

    private static int limit(String text) {
        if (text == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_LIMIT);
    }
}
