package io.punctual.embedded.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's compatibility levels, decided by Avro's own {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema can read data written with the previous one. FORWARD: data written with the new
 * schema can be read with the previous one. FULL: both. The {@code _TRANSITIVE} variants check every earlier
 * version of the subject instead of only the latest.
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** Parses a level name case-insensitively. */
    static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks a candidate against the existing versions of a subject.
     *
     * @param candidate         the schema being registered
     * @param previousOldestFirst the subject's registered schemas, oldest first (may be empty)
     * @return one problem description per incompatibility; empty when compatible
     */
    List<Problem> check(Schema candidate, List<VersionedSchema> previousOldestFirst) {
        List<Problem> problems = new ArrayList<>();
        if (this == NONE || previousOldestFirst.isEmpty()) {
            return problems;
        }
        List<VersionedSchema> toCheck = transitive
            ? previousOldestFirst
            : List.of(previousOldestFirst.get(previousOldestFirst.size() - 1));
        for (VersionedSchema previous : toCheck) {
            if (newReadsOld) {
                collect(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous.schema()).getResult(),
                    previous, problems);
            }
            if (oldReadsNew) {
                collect(SchemaCompatibility.checkReaderWriterCompatibility(previous.schema(), candidate).getResult(),
                    previous, problems);
            }
        }
        return problems;
    }

    private static void collect(SchemaCompatibilityResult result, VersionedSchema previous, List<Problem> problems) {
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(new Problem(previous.version(), incompatibility.getType().name(),
                incompatibility.getMessage(), incompatibility.getLocation()));
        }
    }

    /** A registered schema and its version within a subject. */
    record VersionedSchema(int version, Schema schema) {
    }

    /** One incompatibility between the candidate and an earlier version. */
    record Problem(int oldVersion, String errorType, String description, String location) {
    }
}
