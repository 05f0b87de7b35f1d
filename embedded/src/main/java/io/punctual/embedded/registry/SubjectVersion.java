package io.punctual.embedded.registry;

/** One registered version of a subject: its number, the global schema id and the schema text. */
record SubjectVersion(String subject, int version, int id, String schema) {
}
