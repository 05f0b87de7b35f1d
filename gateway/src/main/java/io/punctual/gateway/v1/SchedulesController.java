package io.punctual.gateway.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.context.annotation.Requires;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.auth.Callers;
import io.punctual.gateway.command.CommandGateway;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.secrets.ApiKeyCipher;
import io.punctual.schemas.secrets.KeyMaterial;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Door 1: Punctual's own API, {@code /v1/schedules}. */
@Controller("/v1/schedules")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
public class SchedulesController {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Callers callers;
    private final CommandGateway commands;
    private final GatewayViews views;
    private final ApiKeyCipher cipher;

    public SchedulesController(Callers callers, CommandGateway commands, GatewayViews views, KeyMaterial keys) {
        this.callers = callers;
        this.commands = commands;
        this.views = views;
        this.cipher = keys.apiKeyCipher();
    }

    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<ObjectNode>> create(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                                              @Nullable @Body String body) {
        Caller caller = callers.fromAuthorization(authorization);
        CreateScheduleRequest request = CreateScheduleRequest.parse(parseJson(body));
        String scheduleId = "sch_" + UUID.randomUUID().toString().replace("-", "");
        LettaTarget target = LettaTarget.newBuilder()
                .setAgentId(request.agentId())
                .setMessages(request.messages())
                .setMaxSteps(request.maxSteps())
                .setCallbackUrl(request.callbackUrl())
                .setIncludeReturnMessageTypes(request.includeReturnMessageTypes())
                .setApiKeyCiphertext(cipher.encrypt(caller.apiKey(), scheduleId))
                .build();
        ScheduleSpec spec = ScheduleSpec.newBuilder()
                .setTenant(caller.tenant())
                .setTarget(target)
                .setCadence(request.cadence())
                .setLabels(request.labels())
                .build();
        ScheduleCommand command = command(caller, scheduleId, null).setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
        return commands.submit(command).thenApply(result -> {
            ScheduleState state = accepted(result);
            return HttpResponse.<ObjectNode>status(HttpStatus.CREATED)
                    .header(HttpHeaders.LOCATION, "/v1/schedules/" + scheduleId)
                    .header(HttpHeaders.ETAG, etag(state.getVersion()))
                    .body(ScheduleJson.schedule(state));
        });
    }

    @Get("/{id}")
    public HttpResponse<ObjectNode> get(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        Caller caller = callers.fromAuthorization(authorization);
        ScheduleState state = visible(caller, id);
        return HttpResponse.ok(ScheduleJson.schedule(state)).header(HttpHeaders.ETAG, etag(state.getVersion()));
    }

    @Delete("/{id}")
    public CompletableFuture<HttpResponse<Void>> delete(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                                        @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                                        @PathVariable String id) {
        Caller caller = callers.fromAuthorization(authorization);
        visible(caller, id);
        ScheduleCommand command = command(caller, id, expectedVersion(ifMatch)).setAction(DeleteSchedule.newBuilder().build()).build();
        return commands.submit(command).thenApply(result -> {
            accepted(result);
            return HttpResponse.<Void>noContent();
        });
    }

    @Get("/{id}/runs")
    public HttpResponse<ObjectNode> runs(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        Caller caller = callers.fromAuthorization(authorization);
        var runs = views.runs().runsOf(id, caller.tenant());
        if (runs.isEmpty()) {
            // No runs yet: answer 404 only if the schedule is not the caller's either.
            visible(caller, id);
        }
        return HttpResponse.ok(ScheduleJson.runs(runs));
    }

    private ScheduleState visible(Caller caller, String id) {
        return views.schedules().get(id)
                .filter(s -> s.getSpec().getTenant().equals(caller.tenant()))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No schedule " + id + " exists for this API key."));
    }

    private static ScheduleCommand.Builder command(Caller caller, String scheduleId, Long expectedVersion) {
        return ScheduleCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setScheduleId(scheduleId)
                .setTenant(caller.tenant())
                .setIssuedAt(Instant.now())
                .setExpectedVersion(expectedVersion);
    }

    /** The state of an accepted command; a rejection becomes the problem that explains it. */
    private static ScheduleState accepted(CommandResult result) {
        if (result.getAccepted()) {
            return result.getState();
        }
        throw PlannerRejections.toProblem(result);
    }

    private static JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request has no body; send the schedule as a JSON object.");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    static Long expectedVersion(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("If-Match", "must be a version ETag such as \"3\"");
        }
    }
}
