package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.annotation.Requires;
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
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Named;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.body.BodyBinder;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.punctual.gateway.command.CreateThreads;
import io.punctual.gateway.command.ScheduleCommands;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.Failures;
import io.punctual.gateway.problem.FieldError;
import io.punctual.gateway.problem.JsonBodies;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.gateway.view.RunView;
import io.punctual.gateway.view.ScheduleSummary;
import io.punctual.gateway.view.ScheduleView;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.PauseSchedule;
import io.punctual.schemas.ReplaceSchedule;
import io.punctual.schemas.ResumeSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.TriggerSchedule;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/** Door 1: Punctual's own API, {@code /v1/schedules}, with the whole schedule model. */
@Controller("/v1/schedules")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class SchedulesController {
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final int MAX_LIMIT = 500;

    private final ScheduleCommands schedules;
    /** Where an idempotent retry waits for the view (never on the answer threads). */
    private final Executor blocking;
    private final GatewayViews views;
    private final ApiKeyCipher cipher;
    private final RequestLimits limits;
    private final IdempotentCreates idempotency;
    private final BodyBinder bodies;

    public SchedulesController(ScheduleCommands schedules, GatewayViews views, KeyMaterial keys,
                               RequestLimits limits, IdempotentCreates idempotency, BodyBinder bodies,
                               @Named(TaskExecutors.BLOCKING) Executor blocking) {
        this.bodies = bodies;
        this.blocking = blocking;
        this.schedules = schedules;
        this.views = views;
        this.cipher = keys.apiKeyCipher();
        this.limits = limits;
        this.idempotency = idempotency;
    }

    /** How long a retried create waits for the view to show the schedule another instance created. */
    private static final Duration EXISTING_SCHEDULE_WAIT = Duration.ofSeconds(5);

    @Post
    @ExecuteOn(CreateThreads.NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleBody.class)))
    @ApiResponse(responseCode = "201", description = "The new schedule", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> create(Caller caller,
                                       @Nullable @Header("Idempotency-Key") String idempotencyKey,
                                       @Nullable @Body String body) {
        JsonNode json = JsonBodies.parse(body);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ApiProblem.invalid("Idempotency-Key", "must be 1 to 255 characters");
        }
        CompletableFuture<IdempotentCreates.CreatedSchedule> created = idempotencyKey == null
                ? createNow(caller, json, ScheduleCommands.newScheduleId())
                : idempotency.onceAsync(caller.tenant(), idempotencyKey, () -> createIdempotently(caller, json, idempotencyKey));
        return created.thenApply(c -> HttpResponse.<String>status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, "/v1/schedules/" + c.scheduleId())
                .header(HttpHeaders.ETAG, Versions.etag(c.version()))
                .body(c.body()));
    }

    /**
     * This instance remembers its own answers; a retry that reached another instance first is recognised by the
     * planner (the id derives from the key) and answered with the schedule that instance created.
     */
    private CompletableFuture<IdempotentCreates.CreatedSchedule> createIdempotently(Caller caller, JsonNode json, String idempotencyKey) {
        String scheduleId = ScheduleCommands.idempotentScheduleId(caller.tenant(), idempotencyKey);
        // The planner's answer arrives on the gateway's answer threads (AnswerThreads), which must not wait: the wait
        // for the view runs on the blocking pool.
        return createNow(caller, json, scheduleId).exceptionallyComposeAsync(e -> {
            if (!(Failures.unwrap(e) instanceof ApiProblem problem) || problem.type() != ProblemType.CONFLICT) {
                return CompletableFuture.failedFuture(e instanceof CompletionException c ? c : new CompletionException(e));
            }
            ScheduleState existing = schedules.awaitVisible(caller, scheduleId, EXISTING_SCHEDULE_WAIT);
            return CompletableFuture.completedFuture(new IdempotentCreates.CreatedSchedule(scheduleId, existing.getVersion(), ScheduleJson.of(existing)));
        }, blocking);
    }

    private CompletableFuture<IdempotentCreates.CreatedSchedule> createNow(Caller caller, JsonNode json, String scheduleId) {
        ScheduleRequest request = ScheduleRequest.parse(json, caller.tenant(), limits, Sealer.of(cipher, caller.apiKey(), scheduleId), Instant.now(), bodies);
        return schedules.createAsync(caller, scheduleId, request.spec(), request.paused(), request.pausedNote())
                .thenApply(state -> new IdempotentCreates.CreatedSchedule(scheduleId, state.getVersion(), ScheduleJson.of(state)));
    }

    @Get("/{id}")
    public HttpResponse<ScheduleJson> get(Caller caller, @PathVariable String id) {
        ScheduleState state = schedules.visible(caller, id);
        return HttpResponse.ok(ScheduleJson.of(state)).header(HttpHeaders.ETAG, Versions.etag(state.getVersion()));
    }

    @Get
    @ApiResponse(responseCode = "200", description = "A page of the caller's schedules", content = @Content(schema = @Schema(implementation = ScheduleJson.Page.class)))
    public SchedulePage list(Caller caller,
                           @Nullable @QueryValue("agent_id") String agentId,
                           @Nullable @QueryValue("status") String status,
                           @Nullable @QueryValue("type") String type,
                           @Nullable @QueryValue("label") String label,
                           @Nullable @QueryValue("limit") String limitText,
                           @Nullable @QueryValue("cursor") String cursor) {
        int limit = Pages.limit(limitText, 50, MAX_LIMIT);
        List<FieldError> errors = new ArrayList<>();
        if (status != null && !Set.of("active", "paused", "completed").contains(status)) {
            errors.add(new FieldError("status", "must be one of active, paused, completed"));
        }
        if (type != null && !Set.of("once", "cron", "interval").contains(type)) {
            errors.add(new FieldError("type", "must be one of once, cron, interval"));
        }
        if (label != null && (label.isBlank() || label.startsWith("="))) {
            errors.add(new FieldError("label", "must be key=value or key"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        String labelKey = label == null ? null : label.contains("=") ? label.substring(0, label.indexOf('=')) : label;
        String labelValue = label == null || !label.contains("=") ? null : label.substring(label.indexOf('=') + 1);
        String after = Pages.decodeCursor(cursor);
        Predicate<ScheduleSummary> filter = status == null && type == null && labelKey == null ? null : s ->
                (status == null || s.status().equals(status))
                        && (type == null || s.type().equals(type))
                        && (labelKey == null || s.labels().containsKey(labelKey) && (labelValue == null || labelValue.equals(s.labels().get(labelKey))));
        ScheduleView.Page page = views.schedules().page(caller.tenant(), agentId, after, limit, filter);
        // Written straight from the states (the shape of ScheduleJson.Page): a page is the read path's hot spot.
        return new SchedulePage(page.items(), page.after() == null ? null : Pages.encodeCursor(page.after()));
    }

    @Put("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = ScheduleBody.class)))
    @ApiResponse(responseCode = "200", description = "The schedule after the change", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> replace(Caller caller,
                                            @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                            @PathVariable String id, @Nullable @Body String body) {
        JsonNode json = JsonBodies.parse(body);
        ScheduleState current = schedules.visible(caller, id);
        Long expected = Versions.checked(ifMatch, current);
        ScheduleRequest request = ScheduleRequest.parse(json, caller.tenant(), limits,
                Sealer.of(cipher, caller.apiKey(), id, current.getSpec().getTarget()), Instant.now(), bodies);
        if (request.paused() || request.pausedNote() != null) {
            throw ApiProblem.invalid("paused", "cannot be changed by a replace; use POST /v1/schedules/" + id + "/pause or /resume");
        }
        return answer(schedules.sendAsync(caller, id, expected, ReplaceSchedule.newBuilder().setSpec(request.spec()).build()));
    }

    @Patch("/{id}")
    @Consumes({MERGE_PATCH, MediaType.APPLICATION_JSON})
    @RequestBody(description = "A JSON merge patch (RFC 7386) of the schedule's fields; the result must be a valid create body",
            content = @Content(schema = @Schema(implementation = ScheduleBody.class)))
    @ApiResponse(responseCode = "200", description = "The schedule after the change", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> patch(Caller caller,
                                          @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                          @PathVariable String id, @Nullable @Body String body) {
        JsonNode patch = JsonBodies.parse(body);
        ScheduleState current = schedules.visible(caller, id);
        Long expected = Versions.checked(ifMatch, current);
        PatchSchedule action = SchedulePatches.toCommand(patch, current.getSpec(), caller.tenant(), limits,
                Sealer.of(cipher, caller.apiKey(), id, current.getSpec().getTarget()), bodies);
        return answer(schedules.sendAsync(caller, id, expected, action));
    }

    @Post("/{id}/pause")
    @Consumes(MediaType.ALL)
    @ApiResponse(responseCode = "200", description = "The schedule after the change", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> pause(Caller caller,
                                          @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                          @PathVariable String id, @Nullable @Body String body) {
        String note = null;
        if (body != null && !body.isBlank()) {
            JsonNode json = JsonBodies.parse(body);
            JsonNode noteNode = json.isObject() ? json.get("note") : null;
            if (!json.isObject() || noteNode != null && !noteNode.isNull() && !noteNode.isTextual()) {
                throw ApiProblem.invalid("note", "must be a string; send {\"note\": \"why\"} or no body");
            }
            note = noteNode == null || noteNode.isNull() ? null : noteNode.asText();
        }
        Long expected = Versions.checked(ifMatch, schedules.visible(caller, id));
        return answer(schedules.sendAsync(caller, id, expected, PauseSchedule.newBuilder().setNote(note).build()));
    }

    @Post("/{id}/resume")
    @Consumes(MediaType.ALL)
    @ApiResponse(responseCode = "200", description = "The schedule after the change", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> resume(Caller caller,
                                           @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch, @PathVariable String id) {
        Long expected = Versions.checked(ifMatch, schedules.visible(caller, id));
        return answer(schedules.sendAsync(caller, id, expected, ResumeSchedule.newBuilder().build()));
    }

    @Post("/{id}/trigger")
    @Consumes(MediaType.ALL)
    @ApiResponse(responseCode = "200", description = "The schedule after the change", content = @Content(schema = @Schema(implementation = ScheduleJson.class)))
    public CompletableFuture<HttpResponse<ScheduleJson>> trigger(Caller caller, @PathVariable String id) {
        schedules.visible(caller, id);
        return answer(schedules.sendAsync(caller, id, null, TriggerSchedule.newBuilder().build()));
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "204", description = "The schedule is removed; no body")
    public CompletableFuture<HttpResponse<Void>> delete(Caller caller,
                                     @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch, @PathVariable String id) {
        Long expected = Versions.checked(ifMatch, schedules.visible(caller, id));
        return schedules.sendAsync(caller, id, expected, DeleteSchedule.newBuilder().build()).thenApply(state -> HttpResponse.noContent());
    }

    @Get("/{id}/runs")
    public RunJson.Page runs(Caller caller, @PathVariable String id,
                           @Nullable @QueryValue("limit") String limitText, @Nullable @QueryValue("cursor") String cursor) {
        int limit = Pages.limit(limitText, 50, MAX_LIMIT);
        String after = Pages.decodeCursor(cursor);
        RunView.Page page;
        try {
            page = views.runs().page(id, caller.tenant(), after, limit);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API gave out; pass next_cursor as it was");
        }
        if (page.items().isEmpty() && after == null) {
            // No runs yet: answer 404 only if the schedule is not the caller's either.
            schedules.visible(caller, id);
        }
        return new RunJson.Page(page.items().stream().map(RunJson::of).toList(),
                page.after() == null ? null : Pages.encodeCursor(page.after()));
    }

    /** The new state and its ETag once the planner answers; a refusal fails the future with its problem. */
    private static CompletableFuture<HttpResponse<ScheduleJson>> answer(CompletableFuture<ScheduleState> answered) {
        return answered.thenApply(state -> HttpResponse.ok(ScheduleJson.of(state)).header(HttpHeaders.ETAG, Versions.etag(state.getVersion())));
    }
}
