package io.punctual.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server speaking the part of the Letta API that Punctual calls (see the project's
 * {@code letta-api.md}): key check, message (background and waiting) and run look-up.
 *
 * <p>It records every request, can script the next answers for an agent (failures, 429 with Retry-After),
 * delay answers to hold requests in flight, and tracks the highest number of concurrent requests per agent,
 * which is how tests prove that two deliveries never overlap on one agent. Requests are served by a pool of
 * threads so concurrent requests really are concurrent.
 *
 * <p>It stays one class (about 500 lines) because it is one test double's whole surface: the scripting and query
 * methods tests call (most of them one or two lines) and the HTTP handler that reads the same scripts and counters;
 * tests then need one object to set up and to ask.
 */
public final class LettaStandIn implements AutoCloseable {

    static final String DEFAULT_REPLY = "OK";
    static final String DEFAULT_RUN_STATUS = "completed";
    static final String BEARER = "Bearer ";

    private static final Logger LOG = LoggerFactory.getLogger(LettaStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AGENTS = Pattern.compile("/v1/agents/?");
    private static final Pattern MESSAGES = Pattern.compile("/v1/agents/([^/]+)/messages(/async)?/?");
    private static final Pattern RUN = Pattern.compile("/v1/runs/([^/]+)/?");
    private static final Pattern ANY_AGENT_CALL = Pattern.compile("/v1/agents/([^/]+)/.*");

    private final HttpServer server;
    private final ExecutorService executor;

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<String> knownKeys = ConcurrentHashMap.newKeySet();
    private volatile boolean onlyKnownKeys;
    private final Map<String, Deque<StubbedResponse>> scripted = new ConcurrentHashMap<>();
    private volatile Duration delay = Duration.ZERO;
    private final Map<String, Duration> agentDelays = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Map<String, String> runStatuses = new ConcurrentHashMap<>();
    private volatile String defaultRunStatus = DEFAULT_RUN_STATUS;
    private volatile Duration runsWorkFor = Duration.ZERO;
    private volatile String runsEndAs = DEFAULT_RUN_STATUS;
    private final Map<String, AtomicInteger> maxWorkingRuns = new ConcurrentHashMap<>();
    private volatile String reply = DEFAULT_REPLY;
    private volatile boolean recordRequests = true;
    private volatile StubbedResponse outage;

    /** Starts serving on an ephemeral port of localhost. */
    public LettaStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Letta stand-in", e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "letta-stand-in-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.debug("Letta stand-in serving {}", baseUrl());
    }

    /** {@code http://localhost:PORT}, to use as the Letta base URL. */
    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    // ---- behaviour -------------------------------------------------------------------------------------------

    /** Registers an API key as valid. Until {@link #acceptOnlyKnownKeys()} is called, every key is accepted. */
    public LettaStandIn acceptKey(String apiKey) {
        knownKeys.add(apiKey);
        return this;
    }

    /** From now on, answer 401 to every request whose bearer key was not registered with {@link #acceptKey}. */
    public LettaStandIn acceptOnlyKnownKeys() {
        onlyKnownKeys = true;
        return this;
    }

    /** The assistant text of answers to {@code POST /v1/agents/{id}/messages}. */
    public LettaStandIn replyWith(String assistantText) {
        this.reply = assistantText;
        return this;
    }

    /** Answers the next message calls to the agent with these, in order, then normally again. */
    public LettaStandIn respondNext(String agentId, StubbedResponse... responses) {
        Deque<StubbedResponse> queue = scripted.computeIfAbsent(agentId, id -> new ArrayDeque<>());
        synchronized (queue) {
            queue.addAll(List.of(responses));
        }
        return this;
    }

    /** Answers the next message calls to the agent with these statuses, e.g. {@code failNext("a", 500, 500)}. */
    public LettaStandIn failNext(String agentId, int... statusCodes) {
        for (int status : statusCodes) {
            respondNext(agentId, StubbedResponse.status(status));
        }
        return this;
    }

    /**
     * Answers every message call, to any agent, with this until {@link #endOutage()} (after any scripted answers);
     * key checks and run look-ups are answered as usual. An outage of Letta's message API, e.g. {@code status(503)}.
     */
    public LettaStandIn startOutage(StubbedResponse answer) {
        this.outage = answer;
        return this;
    }

    /** Message calls are answered normally again. */
    public LettaStandIn endOutage() {
        this.outage = null;
        return this;
    }

    /** Holds every answer this long after the request arrived (to keep requests in flight). */
    public LettaStandIn delayResponses(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Holds answers to calls for this agent this long; overrides {@link #delayResponses(Duration)}. */
    public LettaStandIn delayResponses(String agentId, Duration delay) {
        agentDelays.put(agentId, delay);
        return this;
    }

    /** The status {@code GET /v1/runs/{id}} reports for this run. */
    public LettaStandIn runStatus(String runId, String status) {
        runStatuses.put(runId, status);
        return this;
    }

    /** The status reported for runs without their own ({@value #DEFAULT_RUN_STATUS} unless changed). */
    LettaStandIn defaultRunStatus(String status) {
        this.defaultRunStatus = status;
        return this;
    }

    /**
     * Runs created from now on report {@code running} for this long after their creation, then {@code endsAs}
     * ({@code completed}, {@code failed}, ...), like Letta's background runs; an explicit {@link #runStatus} wins.
     */
    public LettaStandIn runsWorkFor(Duration duration, String endsAs) {
        this.runsWorkFor = duration;
        this.runsEndAs = endsAs;
        return this;
    }

    /** Stops (or resumes) recording requests: for load drivers, whose requests would fill the heap being measured. */
    public LettaStandIn recordRequests(boolean record) {
        this.recordRequests = record;
        return this;
    }

    /**
     * Creates a background run for the agent as a {@code messages/async} call would, without the call (and without
     * counting it for {@link #maxConcurrentRuns}): for drivers that need many runs to look up.
     */
    public String startRun(String agentId) {
        Run run = new Run("run-" + UUID.randomUUID(), agentId, Instant.now(), null, runsWorkFor, runsEndAs);
        runs.put(run.id(), run);
        return run.id();
    }

    /**
     * The most runs of this agent that were working at once, in Letta's sense (created and not yet at their end),
     * counted when each run was created. Two means a message reached the agent while an earlier run still worked.
     */
    public int maxConcurrentRuns(String agentId) {
        AtomicInteger max = maxWorkingRuns.get(agentId);
        return max == null ? 0 : max.get();
    }

    /** Forgets recorded requests, scripts, delays, runs and concurrency counts; keys and key mode are kept. */
    public void reset() {
        requests.clear();
        scripted.clear();
        delay = Duration.ZERO;
        agentDelays.clear();
        maxInFlight.clear();
        runs.clear();
        runStatuses.clear();
        defaultRunStatus = DEFAULT_RUN_STATUS;
        runsWorkFor = Duration.ZERO;
        runsEndAs = DEFAULT_RUN_STATUS;
        maxWorkingRuns.clear();
        reply = DEFAULT_REPLY;
        outage = null;
    }

    // ---- observations ----------------------------------------------------------------------------------------

    /** Every request received so far, in arrival order (a snapshot). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Message calls ({@code POST .../messages[/async]}) received for one agent. */
    public List<RecordedRequest> messagesTo(String agentId) {
        return matching(r -> r.isMessage() && agentId.equals(r.agentId()));
    }

    /** Waits until at least {@code count} requests arrived and returns all of them. */
    List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        return awaitMatching(count, timeout, r -> true);
    }

    /** Waits until at least {@code count} message calls arrived for the agent and returns them. */
    public List<RecordedRequest> awaitMessages(String agentId, int count, Duration timeout) {
        return awaitMatching(count, timeout, r -> r.isMessage() && agentId.equals(r.agentId()));
    }

    /** The most requests for this agent that were being served at the same time. */
    public int maxConcurrentRequests(String agentId) {
        AtomicInteger max = maxInFlight.get(agentId);
        return max == null ? 0 : max.get();
    }

    /** Requests for this agent being served right now. */
    int inFlight(String agentId) {
        AtomicInteger current = inFlight.get(agentId);
        return current == null ? 0 : current.get();
    }

    /** The runs created by {@code messages/async} calls, by id. */
    Set<String> runIds() {
        return Set.copyOf(runs.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- serving ---------------------------------------------------------------------------------------------

    private List<RecordedRequest> matching(Predicate<RecordedRequest> filter) {
        return requests.stream().filter(filter).toList();
    }

    private List<RecordedRequest> awaitMatching(int count, Duration timeout, Predicate<RecordedRequest> filter) {
        Awaitility.await("at least " + count + " matching requests at the Letta stand-in")
            .atMost(timeout)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> matching(filter).size() >= count);
        return matching(filter);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant receivedAt = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String agentId = agentOf(path);
        AtomicInteger current = agentId == null ? null : inFlight.computeIfAbsent(agentId, id -> new AtomicInteger());
        if (current != null) {
            int now = current.incrementAndGet();
            maxInFlight.computeIfAbsent(agentId, id -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        }
        boolean counted = current != null;
        try {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Answer answer = answer(method, path, agentId, exchange.getRequestHeaders().getFirst("Authorization"), body,
                receivedAt);
            if (recordRequests) {
                requests.add(new RecordedRequest(method, path, exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body, receivedAt, agentId, answer.runId(), answer.status()));
            }
            pause(agentId == null ? delay : agentDelays.getOrDefault(agentId, delay));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            // Stop counting before answering: once the client has the answer it may send the agent's next request,
            // which could otherwise arrive while this one still counts and look like an overlap.
            if (counted) {
                current.decrementAndGet();
                counted = false;
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (RuntimeException e) {
            LOG.error("Letta stand-in failed on {} {}", method, path, e);
            throw e;
        } finally {
            exchange.close();
            if (counted) {
                current.decrementAndGet();
            }
        }
    }

    private Answer answer(String method, String path, String agentId, String authorization, String body,
                          Instant receivedAt) {
        String key = bearerKey(authorization);
        if (onlyKnownKeys && (key == null || !knownKeys.contains(key))) {
            return Answer.of(401, "{\"detail\":\"Invalid API key\"}");
        }
        Matcher messages = MESSAGES.matcher(path);
        if ("POST".equals(method) && messages.matches()) {
            Optional<StubbedResponse> stub = nextScripted(agentId);
            if (stub.isPresent()) {
                return new Answer(stub.get().status(), stub.get().headers(), stub.get().body(), null);
            }
            StubbedResponse down = outage;
            if (down != null) {
                return new Answer(down.status(), down.headers(), down.body(), null);
            }
            Optional<String> invalid = invalidMessageRequest(body);
            if (invalid.isPresent()) {
                return Answer.of(422, invalid.get());
            }
            return messages.group(2) != null ? createRun(agentId, body, receivedAt) : Answer.of(200, assistantReply());
        }
        if ("GET".equals(method) && AGENTS.matcher(path).matches()) {
            return Answer.of(200, "[]");
        }
        Matcher run = RUN.matcher(path);
        if ("GET".equals(method) && run.matches()) {
            Run found = runs.get(run.group(1));
            return found == null
                ? Answer.of(404, "{\"detail\":\"Run " + run.group(1) + " not found\"}")
                : Answer.of(200, runJson(found, statusOf(found, Instant.now())));
        }
        return Answer.of(404, "{\"detail\":\"Not Found\"}");
    }

    private Optional<StubbedResponse> nextScripted(String agentId) {
        Deque<StubbedResponse> queue = scripted.get(agentId);
        if (queue == null) {
            return Optional.empty();
        }
        synchronized (queue) {
            return Optional.ofNullable(queue.pollFirst());
        }
    }

    /** Letta (FastAPI) answers 422 when the body does not validate; we check the one required field. */
    private static Optional<String> invalidMessageRequest(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject() && node.path("messages").isArray()) {
                return Optional.empty();
            }
        } catch (JsonProcessingException e) {
            return Optional.of("{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"JSON decode error\",\"type\":\"json_invalid\"}]}");
        }
        return Optional.of("{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}");
    }

    private Answer createRun(String agentId, String body, Instant receivedAt) {
        String callbackUrl = null;
        try {
            JsonNode callback = JSON.readTree(body).get("callback_url");
            callbackUrl = callback == null || callback.isNull() ? null : callback.asText();
        } catch (JsonProcessingException e) {
            // Already validated as JSON.
        }
        Run run = new Run("run-" + UUID.randomUUID(), agentId, receivedAt, callbackUrl, runsWorkFor, runsEndAs);
        synchronized (runs) {
            int working = 1 + (int) runs.values().stream()
                .filter(r -> r.agentId().equals(agentId) && !isTerminal(statusOf(r, receivedAt))).count();
            maxWorkingRuns.computeIfAbsent(agentId, id -> new AtomicInteger()).accumulateAndGet(working, Math::max);
            runs.put(run.id(), run);
        }
        return new Answer(200, Map.of(), runJson(run, "created"), run.id());
    }

    private String statusOf(Run run, Instant at) {
        String explicit = runStatuses.get(run.id());
        if (explicit != null) {
            return explicit;
        }
        if (run.worksFor().isZero()) {
            return defaultRunStatus;
        }
        return at.isBefore(run.createdAt().plus(run.worksFor())) ? "running" : run.endsAs();
    }

    private static boolean isTerminal(String status) {
        return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    private static String runJson(Run run, String status) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", run.id());
        node.put("agent_id", run.agentId());
        node.put("status", status);
        node.put("created_at", run.createdAt().toString());
        boolean finished = isTerminal(status);
        if (finished) {
            node.put("completed_at", Instant.now().toString());
        } else {
            node.putNull("completed_at");
        }
        if ("completed".equals(status)) {
            node.put("stop_reason", "end_turn");
        } else {
            node.putNull("stop_reason");
        }
        node.put("callback_url", run.callbackUrl());
        node.putObject("metadata");
        return node.toString();
    }

    private String assistantReply() {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode messages = node.putArray("messages");
        ObjectNode message = messages.addObject();
        message.put("id", "message-" + UUID.randomUUID());
        message.put("message_type", "assistant_message");
        message.put("content", reply);
        message.put("date", Instant.now().toString());
        ObjectNode stopReason = node.putObject("stop_reason");
        stopReason.put("message_type", "stop_reason");
        stopReason.put("stop_reason", "end_turn");
        node.putObject("usage");
        return node.toString();
    }

    private static String agentOf(String path) {
        Matcher matcher = ANY_AGENT_CALL.matcher(path);
        return matcher.matches() ? matcher.group(1) : null;
    }

    static String bearerKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).trim();
    }

    private static void pause(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Run(String id, String agentId, Instant createdAt, String callbackUrl, Duration worksFor, String endsAs) {
    }

    private record Answer(int status, Map<String, String> headers, String body, String runId) {
        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body, null);
        }
    }
}
