package io.punctual.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A record this thread has just encoded, which {@link AvroSerde} then writes as those bytes wherever the very same
 * object is nested in a record it serializes, instead of encoding it again. The planner encodes a schedule's new
 * state for its store and then a command result that carries the same state: encoding it twice was most of the
 * result's cost, and a tenth of the stream thread's samples.
 *
 * <p>Only within the scope {@link #reuse} opens, only for the same object (identity, not equality) and only where the
 * nested schema equals the one the bytes were written with: Avro binary depends on the schema alone, so the bytes are
 * what encoding it there would write. The caller must not change the record while the scope is open.
 */
public final class EncodedOnce implements AutoCloseable {
    /**
     * This thread's scope, one object kept for the thread's life: the serde asks for it at every record it writes, and
     * a thread-local removed and set again at each scope cost a map insertion at the next ask.
     */
    private static final ThreadLocal<EncodedOnce> CURRENT = ThreadLocal.withInitial(EncodedOnce::new);
    /** Whether a nested schema equals an encoding's, by the pair's identity: {@link Schema#equals} walks the whole tree. */
    private static final Map<SchemaPair, Boolean> SAME = new ConcurrentHashMap<>();

    private Object record;
    private Schema schema;
    private byte[] encoded;

    private EncodedOnce() {
    }

    /**
     * Until the returned scope closes, {@code record} nested in what this thread serializes is written as
     * {@code encoded}: its Confluent-wire-format encoding by {@link AvroSerde} with the record's own schema.
     * A null record or encoding opens a scope that reuses nothing.
     */
    public static EncodedOnce reuse(SpecificRecord record, byte[] encoded) {
        EncodedOnce scope = CURRENT.get();
        boolean given = record != null && encoded != null;
        scope.record = given ? record : null;
        scope.schema = given ? record.getSchema() : null;
        scope.encoded = given ? encoded : null;
        return scope;
    }

    /** The encoding of {@code datum} written with {@code schema}, if this thread's scope holds it; else null. */
    static byte[] encodingOf(Object datum, Schema schema) {
        EncodedOnce scope = CURRENT.get();
        if (scope.record != datum || datum == null) {
            return null;
        }
        boolean same = schema == scope.schema || SAME.computeIfAbsent(new SchemaPair(schema, scope.schema), p -> p.nested().equals(p.encoded()));
        return same ? scope.encoded : null;
    }

    @Override
    public void close() {
        record = null;
        schema = null;
        encoded = null;
    }

    /** Two schemas compared by identity: each generated class holds its nested schemas once. */
    private record SchemaPair(Schema nested, Schema encoded) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaPair p && p.nested == nested && p.encoded == encoded;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(nested) + System.identityHashCode(encoded);
        }
    }
}
