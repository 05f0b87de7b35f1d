package io.punctual.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

import java.util.List;
import java.util.Map;

/**
 * KEDA's {@code keda.sh/v1alpha1 ScaledObject}, typed after the fields of its CRD (KEDA 2.x), for strict reading:
 * a field KEDA does not know fails like it would fail {@code kubectl apply --validate=strict}. Trigger metadata is a
 * map of strings in the CRD; the keys of the kafka scaler are checked by {@link #KAFKA_TRIGGER_KEYS}.
 */
record ScaledObject(@JsonProperty(required = true) String apiVersion,
                    @JsonProperty(required = true) String kind,
                    @JsonProperty(required = true) ObjectMeta metadata,
                    @JsonProperty(required = true) Spec spec) {

    /** The kafka scaler's metadata keys (KEDA 2.x documentation of the Apache Kafka scaler). */
    static final List<String> KAFKA_TRIGGER_KEYS = List.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset",
            "excludePersistentLag", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "partitionLimitation",
            "version", "sasl", "tls", "unsafeSsl", "commitPartitionOffset");

    record Spec(@JsonProperty(required = true) ScaleTargetRef scaleTargetRef,
                Integer pollingInterval,
                Integer cooldownPeriod,
                Integer initialCooldownPeriod,
                Integer idleReplicaCount,
                Integer minReplicaCount,
                Integer maxReplicaCount,
                Fallback fallback,
                Advanced advanced,
                @JsonProperty(required = true) List<Trigger> triggers) {
    }

    record ScaleTargetRef(String apiVersion, String kind, @JsonProperty(required = true) String name, String envSourceContainerName) {
    }

    record Fallback(@JsonProperty(required = true) Integer failureThreshold, @JsonProperty(required = true) Integer replicas, String behavior) {
    }

    record Advanced(Boolean restoreToOriginalReplicaCount, HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig,
                    ScalingModifiers scalingModifiers) {
    }

    record HorizontalPodAutoscalerConfig(String name, HorizontalPodAutoscalerBehavior behavior) {
    }

    record ScalingModifiers(String formula, String target, String activationTarget, String metricType) {
    }

    record Trigger(@JsonProperty(required = true) String type,
                   String name,
                   Boolean useCachedMetrics,
                   String metricType,
                   @JsonProperty(required = true) Map<String, String> metadata,
                   AuthenticationRef authenticationRef) {
    }

    record AuthenticationRef(@JsonProperty(required = true) String name, String kind) {
    }
}
