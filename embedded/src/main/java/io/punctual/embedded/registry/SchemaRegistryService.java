package io.punctual.embedded.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The registry's rules (ids, versions, compatibility) over {@link RegistryState}, made durable by
 * {@link SchemaLog}. Every operation holds this object's lock, so registrations are serialised and a change is
 * visible only once it is in the topic.
 */
final class SchemaRegistryService implements AutoCloseable {

    static final String LATEST = "latest";

    private final SchemaLog log;
    private final RegistryState state;
    /** Parsed schemas by id, to avoid re-parsing on every compatibility check. */
    private final Map<Integer, Schema> parsed = new HashMap<>();

    SchemaRegistryService(SchemaLog log, CompatibilityLevel defaultLevel) {
        this.log = log;
        this.state = new RegistryState(defaultLevel);
    }

    synchronized void start() throws InterruptedException, ExecutionException {
        log.open();
        log.catchUp(state::apply);
    }

    /** Registers a schema under a subject and returns its global id; an already registered schema keeps its id. */
    synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        log.catchUp(state::apply);
        String canonical = schema.toString();
        NavigableMap<Integer, Integer> versions = state.versions(subject);
        for (int id : versions.values()) {
            if (state.schema(id).orElseThrow().equals(canonical)) {
                return id;
            }
        }
        CompatibilityLevel level = state.effectiveLevel(subject);
        List<CompatibilityLevel.Problem> problems = level.check(schema, previousVersions(versions));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(incompatibilityMessage(subject, level, problems));
        }
        int id = state.idOf(canonical).orElseGet(state::nextId);
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        log.append(LogRecords.schemaKey(subject, version), LogRecords.schemaValue(subject, version, id, canonical));
        state.putSchema(subject, version, id, canonical);
        return id;
    }

    /** Finds the version of a subject holding this schema. */
    synchronized SubjectVersion lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        NavigableMap<Integer, Integer> versions = existingVersions(subject);
        return versions.entrySet().stream()
            .filter(e -> state.schema(e.getValue()).orElseThrow().equals(canonical))
            .findFirst()
            .map(e -> new SubjectVersion(subject, e.getKey(), e.getValue(), canonical))
            .orElseThrow(RegistryException::schemaNotFound);
    }

    synchronized String schemaById(String id) {
        try {
            return state.schema(Integer.parseInt(id)).orElseThrow(() -> RegistryException.schemaIdNotFound(id));
        } catch (NumberFormatException e) {
            throw RegistryException.schemaIdNotFound(id);
        }
    }

    synchronized List<String> subjects() {
        return state.subjects();
    }

    synchronized List<Integer> versions(String subject) {
        return new ArrayList<>(existingVersions(subject).keySet());
    }

    /** A version of a subject, {@code versionSpec} being a number, {@code latest} or {@code -1}. */
    synchronized SubjectVersion version(String subject, String versionSpec) {
        Optional<Integer> requested = parseVersion(versionSpec);
        NavigableMap<Integer, Integer> versions = existingVersions(subject);
        int version = requested.orElse(versions.lastKey());
        Integer id = versions.get(version);
        if (id == null) {
            throw RegistryException.versionNotFound(versionSpec);
        }
        return new SubjectVersion(subject, version, id, state.schema(id).orElseThrow());
    }

    /** Whether a schema could be registered after the given version ({@code latest} for the usual check). */
    synchronized boolean isCompatible(String subject, String versionSpec, String schemaText) {
        Schema schema = parse(schemaText);
        Optional<Integer> requested = parseVersion(versionSpec);
        NavigableMap<Integer, Integer> versions = state.versions(subject);
        if (versions.isEmpty()) {
            if (requested.isPresent()) {
                throw RegistryException.subjectNotFound(subject);
            }
            return true;
        }
        if (requested.isPresent() && !versions.containsKey(requested.get())) {
            throw RegistryException.versionNotFound(versionSpec);
        }
        NavigableMap<Integer, Integer> upTo = versions.headMap(requested.orElse(versions.lastKey()), true);
        return state.effectiveLevel(subject).check(schema, previousVersions(upTo)).isEmpty();
    }

    synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return state.subjectLevel(subject);
    }

    /** Sets the level of a subject, or the global level when {@code subject} is null. */
    synchronized void setLevel(String subject, CompatibilityLevel level) {
        log.catchUp(state::apply);
        log.append(LogRecords.configKey(subject), LogRecords.configValue(level));
        state.setLevel(subject, level);
    }

    /** Removes a subject's own level (it falls back to the global one) and returns the level it had. */
    synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        log.catchUp(state::apply);
        CompatibilityLevel previous = state.subjectLevel(subject)
            .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject));
        log.append(LogRecords.configKey(subject), null);
        state.setLevel(subject, null);
        return previous;
    }

    @Override
    public synchronized void close() {
        log.close();
    }

    private NavigableMap<Integer, Integer> existingVersions(String subject) {
        NavigableMap<Integer, Integer> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<CompatibilityLevel.VersionedSchema> previousVersions(NavigableMap<Integer, Integer> versions) {
        return versions.entrySet().stream()
            .map(e -> new CompatibilityLevel.VersionedSchema(e.getKey(), parsedById(e.getValue())))
            .collect(Collectors.toList());
    }

    private Schema parsedById(int id) {
        return parsed.computeIfAbsent(id, i -> new Schema.Parser().parse(state.schema(i).orElseThrow()));
    }

    private static Optional<Integer> parseVersion(String versionSpec) {
        if (LATEST.equalsIgnoreCase(versionSpec) || "-1".equals(versionSpec)) {
            return Optional.empty();
        }
        try {
            int version = Integer.parseInt(versionSpec);
            if (version < 1) {
                throw RegistryException.invalidVersion(versionSpec);
            }
            return Optional.of(version);
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(versionSpec);
        }
    }

    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema " + schemaText + ", details: " + e.getMessage());
        }
    }

    /** Worded like Confluent's answer so that clients and people recognise it. */
    private static String incompatibilityMessage(String subject, CompatibilityLevel level,
                                                 List<CompatibilityLevel.Problem> problems) {
        StringBuilder details = new StringBuilder();
        for (CompatibilityLevel.Problem problem : problems) {
            details.append("{errorType:'").append(problem.errorType())
                .append("', description:'").append(problem.description())
                .append("', location:'").append(problem.location())
                .append("', oldSchemaVersion:").append(problem.oldVersion()).append("}, ");
        }
        details.append("{compatibility: '").append(level.name()).append("'}");
        return "Schema being registered is incompatible with an earlier schema for subject \"" + subject
            + "\", details: [" + details + "]";
    }
}
