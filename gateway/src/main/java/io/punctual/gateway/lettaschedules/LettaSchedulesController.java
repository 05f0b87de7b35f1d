package io.punctual.gateway.lettaschedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Set;

/**
 * Door 2: the REST API of the "Letta Schedules" service, served unchanged so its users only change the base URL.
 * As there, another tenant's schedule answers 403 and an executed one-time schedule is gone (its result stays).
 */
@Controller("/schedules")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class LettaSchedulesController {
    private static final Set<String> RECURRING_FIELDS = Set.of("agent_id", "api_key", "cron", "message", "role", "timezone");
    private static final Set<String> ONE_TIME_FIELDS = Set.of("agent_id", "api_key", "execute_at", "message", "role");
    private static final Set<String> ROLES = Set.of("user", "system", "assistant");

    private final Callers callers;
    private final ScheduleCommands schedules;
    private final GatewayViews views;
    private final ApiKeyCipher cipher;
    private final LettaSchedulesAccess access;
    private final RequestLimits limits;

    public LettaSchedulesController(Callers callers, ScheduleCommands schedules, GatewayViews views, KeyMaterial keys, LettaSchedulesAccess access,
                                   RequestLimits limits) {
        this.limits = limits;
        this.callers = callers;
        this.schedules = schedules;
        this.views = views;
        this.cipher = keys.apiKeyCipher();
        this.access = access;
    }

    @Post("/recurring")
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletableFuture<ObjectNode> createRecurring(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body String body) {
        return create(authorization, body, true);
    }

    @Post("/one-time")
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletableFuture<ObjectNode> createOneTime(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body String body) {
        return create(authorization, body, false);
    }

    private CompletableFuture<ObjectNode> create(String authorization, String body, boolean recurring) {
        JsonNode json = JsonBodies.parse(body);
        if (!json.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        JsonNode keyNode = json.get("api_key");
        String bodyKey = keyNode != null && keyNode.isTextual() ? keyNode.asText() : null;
        // The one place that decides the caller itself (every other endpoint takes a bound Caller): this door
        // also accepts the key in the body, so the body is read first and its 400s come before the 401.
        Caller caller = Callers.bearerKey(authorization) != null || bodyKey == null
                ? callers.fromAuthorization(authorization) : callers.fromKey(bodyKey);
        List<FieldError> errors = new ArrayList<>();
        json.fieldNames().forEachRemaining(f -> {
            if (!(recurring ? RECURRING_FIELDS : ONE_TIME_FIELDS).contains(f)) {
                errors.add(new FieldError(f, "is not a known field"));
            }
        });
        String agentId = text(json, "agent_id", errors);
        if (agentId != null && !agentId.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) {
            errors.add(new FieldError("agent_id", "must be a Letta agent id such as agent-123"));
        }
        String message = text(json, "message", errors);
        if (message != null && message.getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            errors.add(new FieldError("message", "is larger than " + limits.maxMessageBytes() + " bytes"));
        }
        String role = json.has("role") ? text(json, "role", errors) : "user";
        if (role != null && !ROLES.contains(role)) {
            errors.add(new FieldError("role", "must be one of user, system, assistant"));
        }
        Object cadence = recurring ? cron(json, errors) : once(json, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        String id = ScheduleCommands.newScheduleId();
        LettaTarget target = LettaTarget.newBuilder().setAgentId(agentId)
                .setMessages(List.of(LettaMessage.newBuilder().setRole(role).setContent(message).build()))
                .setApiKeyCiphertext(cipher.encrypt(caller.apiKey(), id)).build();
        ScheduleSpec spec = SimpleSpecs.letta(caller.tenant(), target, cadence);
        if (!recurring) {
            // Kept with the schedule: that service showed execute_at with the offset it was given on every read.
            spec.setDisplayOffsetSeconds(OffsetDateTime.parse(json.get("execute_at").asText()).getOffset().getTotalSeconds());
        }
        Cadences.check(spec, Instant.now(), p -> p == CadenceProblem.INVALID_TIMEZONE ? "timezone" : recurring ? "cron" : "execute_at", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return schedules.createAsync(caller, id, spec, false, null).thenApply(state -> LettaSchedulesJson.schedule(state, views.runs()));
    }

    private static Object cron(JsonNode json, List<FieldError> errors) {
        String cron = text(json, "cron", errors);
        String zone = json.has("timezone") ? text(json, "timezone", errors) : "UTC";
        if (cron == null || zone == null) {
            return null;
        }
        return CronCadence.newBuilder().setExpression(cron.trim()).setTimezone(zone).build();
    }

    private static Object once(JsonNode json, List<FieldError> errors) {
        String at = text(json, "execute_at", errors);
        if (at == null) {
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

    private static String text(JsonNode json, String field, List<FieldError> errors) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            errors.add(new FieldError(field, "is required and must be a non-empty string"));
            return null;
        }
        return node.asText();
    }

    @Get("/recurring")
    public ArrayNode listRecurring(Caller caller) {
        return list(caller, true);
    }

    @Get("/one-time")
    public ArrayNode listOneTime(Caller caller) {
        return list(caller, false);
    }

    private ArrayNode list(Caller caller, boolean recurring) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ScheduleView view = views.schedules();
        String after = null;
        do {
            // That service answers the whole list; it is read here page by page from the tenant's index.
            ScheduleView.Page page = view.page(caller.tenant(), null, after, 1000, s -> LettaSchedulesAccess.isOfKind(s, recurring));
            page.items().forEach(s -> out.add(LettaSchedulesJson.schedule(s, views.runs())));
            after = page.after();
        } while (after != null);
        return out;
    }

    @Get("/recurring/{id}")
    public ObjectNode getRecurring(Caller caller, @PathVariable String id) {
        return LettaSchedulesJson.schedule(access.own(caller, id, true), views.runs());
    }

    @Get("/one-time/{id}")
    public ObjectNode getOneTime(Caller caller, @PathVariable String id) {
        return LettaSchedulesJson.schedule(access.own(caller, id, false), views.runs());
    }

    @Delete("/recurring/{id}")
    public CompletableFuture<ObjectNode> deleteRecurring(Caller caller, @PathVariable String id) {
        return delete(caller, id, true);
    }

    @Delete("/one-time/{id}")
    public CompletableFuture<ObjectNode> deleteOneTime(Caller caller, @PathVariable String id) {
        return delete(caller, id, false);
    }

    private CompletableFuture<ObjectNode> delete(Caller caller, String id, boolean recurring) {
        access.own(caller, id, recurring);
        return schedules.sendAsync(caller, id, null, DeleteSchedule.newBuilder().build())
                .thenApply(state -> JsonNodeFactory.instance.objectNode().put("message", "Schedule " + id + " deleted"));
    }

    static ApiProblem notFound(String id) {
        return new ApiProblem(ProblemType.NOT_FOUND, "Schedule " + id + " not found");
    }
}
