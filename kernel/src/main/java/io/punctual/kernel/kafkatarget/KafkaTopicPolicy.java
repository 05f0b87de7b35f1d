package io.punctual.kernel.kafkatarget;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides which topics a tenant's Kafka target may write to. A Kafka target writes with the executor's own
 * credentials, inside its transaction, so without a fence a tenant could write to the schema registry's
 * {@code _schemas} (breaking every decoder after a restart), to the planner's changelogs (poisoning its restore)
 * or to any other application's topics. The operator therefore lists the topic prefixes that Kafka targets may
 * use; the default list is empty, so Kafka targets are refused until an operator allows them.
 *
 * <p>A prefix may contain {@value #TENANT_PLACEHOLDER}, replaced by the tenant id, which confines each tenant to
 * topics of its own ({@code agents.{tenant}.} lets tenant {@code t_ab12…} write to {@code agents.t_ab12….inbox}).
 * Whatever the list says, these stay refused: Punctual's own topics ({@code punctual.*}, {@code punctual-*} and the
 * planner's application id), topics starting with {@code _} (Kafka's {@code __consumer_offsets} and
 * {@code __transaction_state}, the registry's {@code _schemas}), and Kafka Streams internal topics of any
 * application ({@code *-changelog}, {@code *-repartition}).
 *
 * <p>The gateway checks at create time (a problem naming {@code target.topic}), the planner again for commands
 * produced straight to Kafka, and the executor before each fire.
 *
 * @param allowedPrefixes   prefixes a topic must start with; {@value #ANY_TOPIC} alone allows every topic that is
 *                          not reserved
 * @param reservedPrefixes  prefixes that are refused whatever the list says, besides the fixed ones
 */
public record KafkaTopicPolicy(List<String> allowedPrefixes, List<String> reservedPrefixes) {
    static final String TENANT_PLACEHOLDER = "{tenant}";
    static final String ANY_TOPIC = "*";
    private static final Pattern LEGAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final List<String> FIXED_RESERVED_PREFIXES = List.of("punctual.", "punctual-", "_");
    private static final List<String> RESERVED_SUFFIXES = List.of("-changelog", "-repartition");

    public KafkaTopicPolicy {
        allowedPrefixes = List.copyOf(allowedPrefixes);
        reservedPrefixes = List.copyOf(reservedPrefixes);
    }

    /** No Kafka target allowed: the default of a deployment. */
    public static KafkaTopicPolicy noneAllowed() {
        return new KafkaTopicPolicy(List.of(), List.of());
    }

    /**
     * The policy as configured: a comma-separated prefix list, and the planner's application id, whose internal
     * topics ({@code <application id>-...}) are reserved.
     */
    public static KafkaTopicPolicy of(String commaSeparatedPrefixes, String plannerApplicationId) {
        List<String> prefixes = commaSeparatedPrefixes == null ? List.of()
                : Arrays.stream(commaSeparatedPrefixes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList());
        return new KafkaTopicPolicy(prefixes,
                plannerApplicationId == null || plannerApplicationId.isBlank() ? List.of() : List.of(plannerApplicationId + "-"));
    }

    /** Why {@code tenant} may not write to {@code topic}; empty if it may. */
    public Optional<String> refusal(String topic, String tenant) {
        if (topic == null || !LEGAL_NAME.matcher(topic).matches()) {
            return Optional.of("must be a Kafka topic name (1 to 249 letters, digits, '.', '_', '-')");
        }
        if (reserved(topic)) {
            return Optional.of("topic " + topic + " is reserved (Punctual's, Kafka's, the registry's or a Kafka Streams internal topic)");
        }
        if (allowedPrefixes.isEmpty()) {
            return Optional.of("Kafka targets are not enabled on this deployment (the operator allows topics with punctual.kafka-target.allowed-topic-prefixes)");
        }
        List<String> resolved = resolvedPrefixes(tenant);
        if (resolved.contains(ANY_TOPIC) || resolved.stream().anyMatch(topic::startsWith)) {
            return Optional.empty();
        }
        return Optional.of("topic " + topic + " is not allowed; allowed topics start with "
                + resolved.stream().map(p -> "'" + p + "'").collect(Collectors.joining(", ")));
    }

    private boolean reserved(String topic) {
        return FIXED_RESERVED_PREFIXES.stream().anyMatch(topic::startsWith)
                || reservedPrefixes.stream().anyMatch(topic::startsWith)
                || RESERVED_SUFFIXES.stream().anyMatch(topic::endsWith);
    }

    private List<String> resolvedPrefixes(String tenant) {
        // A prefix naming the tenant cannot match anything for a caller without one.
        return allowedPrefixes.stream()
                .filter(p -> tenant != null || !p.contains(TENANT_PLACEHOLDER))
                .map(p -> tenant == null ? p : p.replace(TENANT_PLACEHOLDER, tenant))
                .toList();
    }
}
