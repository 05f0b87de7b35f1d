package io.punctual.gateway.lettaschedules;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.auth.Callers;
import io.punctual.gateway.body.BodyBinder;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.punctual.gateway.command.ScheduleCommands;
import io.punctual.gateway.command.SimpleSpecs;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.gateway.problem.JsonBodies;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.gateway.view.ScheduleView;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.gateway.v1.Cadences;
import io.punctual.gateway.v1.RequestLimits;
import io.punctual.cadence.CadenceProblem;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;

/**
 * Door 2: the REST API of the "Letta Schedules" service, served unchanged so its users only change the base URL.
 * As there, another tenant's schedule answers 403 and an executed one-time schedule is gone (its result stays).
 */
@Controller("/schedules")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class LettaSchedulesController {
    private final Callers callers;
    private final ScheduleCommands schedules;
    private final GatewayViews views;
    private final ApiKeyCipher cipher;
    private final LettaSchedulesAccess access;
    private final RequestLimits limits;
    private final BodyBinder bodies;

    public LettaSchedulesController(Callers callers, ScheduleCommands schedules, GatewayViews views, KeyMaterial keys, LettaSchedulesAccess access,
                                   RequestLimits limits, BodyBinder bodies) {
        this.bodies = bodies;
        this.limits = limits;
        this.callers = callers;
        this.schedules = schedules;
        this.views = views;
        this.cipher = keys.apiKeyCipher();
        this.access = access;
    }

    @Post("/recurring")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = LettaSchedulesBody.Recurring.class)))
    public CompletableFuture<LettaSchedulesJson.Schedule> createRecurring(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body String body) {
        return create(authorization, body, true);
    }

    @Post("/one-time")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(schema = @Schema(implementation = LettaSchedulesBody.OneTime.class)))
    public CompletableFuture<LettaSchedulesJson.Schedule> createOneTime(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body String body) {
        return create(authorization, body, false);
    }

    private CompletableFuture<LettaSchedulesJson.Schedule> create(String authorization, String body, boolean recurring) {
        JsonNode json = JsonBodies.parse(body);
        List<FieldError> errors = new ArrayList<>();
        Class<? extends LettaSchedulesBody> type = recurring ? LettaSchedulesBody.Recurring.class : LettaSchedulesBody.OneTime.class;
        LettaSchedulesBody request = bodies.bind(json, type, errors);
        // The one place that decides the caller itself (every other endpoint takes a bound Caller): this door
        // also accepts the key in the body, so the body is read first and its 400s come before the 401.
        Caller caller = Callers.bearerKey(authorization) != null || request.apiKey() == null
                ? callers.fromAuthorization(authorization) : callers.fromKey(request.apiKey());
        bodies.validate(request, "", errors);
        if (request.message() != null && request.message().getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            errors.add(new FieldError("message", "is larger than " + limits.maxMessageBytes() + " bytes"));
        }
        Object cadence = request instanceof LettaSchedulesBody.Recurring r ? cron(r, errors) : once((LettaSchedulesBody.OneTime) request, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        String id = ScheduleCommands.newScheduleId();
        LettaTarget target = LettaTarget.newBuilder().setAgentId(request.agentId())
                .setMessages(List.of(LettaMessage.newBuilder().setRole(request.role()).setContent(request.message()).build()))
                .setApiKeyCiphertext(cipher.encrypt(caller.apiKey(), id)).build();
        ScheduleSpec spec = SimpleSpecs.letta(caller.tenant(), target, cadence);
        if (request instanceof LettaSchedulesBody.OneTime oneTime) {
            // Kept with the schedule: that service showed execute_at with the offset it was given on every read.
            spec.setDisplayOffsetSeconds(OffsetDateTime.parse(oneTime.executeAt()).getOffset().getTotalSeconds());
        }
        Cadences.check(spec, Instant.now(), p -> p == CadenceProblem.INVALID_TIMEZONE ? "timezone" : recurring ? "cron" : "execute_at", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return schedules.createAsync(caller, id, spec, false, null).thenApply(state -> LettaSchedulesJson.schedule(state));
    }

    private static Object cron(LettaSchedulesBody.Recurring request, List<FieldError> errors) {
        if (request.cron() == null || request.cron().isBlank() || named(errors, "cron") || named(errors, "timezone")) {
            return null;
        }
        return CronCadence.newBuilder().setExpression(request.cron().trim()).setTimezone(request.timezone()).build();
    }

    private static Object once(LettaSchedulesBody.OneTime request, List<FieldError> errors) {
        String at = request.executeAt();
        if (at == null || at.isBlank()) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(at).toInstant();
            if (instant.isBefore(Instant.now())) {
                errors.add(new FieldError("execute_at", "is in the past"));
            }
            return OnceCadence.newBuilder().setAt(instant).build();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("execute_at", "must be ISO 8601 with a time zone, e.g. 2025-11-07T14:30:00-05:00"));
            return null;
        }
    }

    private static boolean named(List<FieldError> errors, String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    @Get("/recurring")
    public List<LettaSchedulesJson.Schedule> listRecurring(Caller caller) {
        return list(caller, true);
    }

    @Get("/one-time")
    public List<LettaSchedulesJson.Schedule> listOneTime(Caller caller) {
        return list(caller, false);
    }

    private List<LettaSchedulesJson.Schedule> list(Caller caller, boolean recurring) {
        List<LettaSchedulesJson.Schedule> out = new ArrayList<>();
        ScheduleView view = views.schedules();
        String after = null;
        do {
            // That service answers the whole list; it is read here page by page from the tenant's index.
            ScheduleView.Page page = view.page(caller.tenant(), null, after, 1000, s -> LettaSchedulesAccess.isOfKind(s, recurring));
            page.items().forEach(s -> out.add(LettaSchedulesJson.schedule(s)));
            after = page.after();
        } while (after != null);
        return out;
    }

    @Get("/recurring/{id}")
    public LettaSchedulesJson.Schedule getRecurring(Caller caller, @PathVariable String id) {
        return LettaSchedulesJson.schedule(access.own(caller, id, true));
    }

    @Get("/one-time/{id}")
    public LettaSchedulesJson.Schedule getOneTime(Caller caller, @PathVariable String id) {
        return LettaSchedulesJson.schedule(access.own(caller, id, false));
    }

    @Delete("/recurring/{id}")
    public CompletableFuture<LettaSchedulesJson.Deleted> deleteRecurring(Caller caller, @PathVariable String id) {
        return delete(caller, id, true);
    }

    @Delete("/one-time/{id}")
    public CompletableFuture<LettaSchedulesJson.Deleted> deleteOneTime(Caller caller, @PathVariable String id) {
        return delete(caller, id, false);
    }

    private CompletableFuture<LettaSchedulesJson.Deleted> delete(Caller caller, String id, boolean recurring) {
        access.own(caller, id, recurring);
        return schedules.sendAsync(caller, id, null, DeleteSchedule.newBuilder().build())
                .thenApply(state -> new LettaSchedulesJson.Deleted("Schedule " + id + " deleted"));
    }

    static ApiProblem notFound(String id) {
        return new ApiProblem(ProblemType.NOT_FOUND, "Schedule " + id + " not found");
    }
}
