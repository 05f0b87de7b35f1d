package io.punctual.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every object kubectl renders from an overlay fits its schema: built-in kinds and the Strimzi and KEDA CRDs. */
class ManifestSchemaTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectFitsItsSchema(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        for (JsonNode object : objects) {
            Object typed = StrictModels.read(object);
            if (typed instanceof ScaledObject scaled) {
                for (ScaledObject.Trigger trigger : scaled.spec().triggers()) {
                    assertThat(trigger.type()).as("KEDA trigger type of %s", RenderedOverlay.describe(object)).isEqualTo("kafka");
                    assertThat(ScaledObject.KAFKA_TRIGGER_KEYS).as("kafka trigger metadata of %s", RenderedOverlay.describe(object))
                            .containsAll(trigger.metadata().keySet());
                }
            }
        }
        System.out.printf("overlays/%s: %d objects fit their schemas: %s%n", overlay, objects.size(),
                objects.stream().map(RenderedOverlay::describe).toList());
    }

    // The checks themselves: each would let a broken manifest through if it accepted these.

    @Test
    void refusesAnUnknownFieldInAPodTemplate() {
        ObjectNode deployment = (ObjectNode) find("dev", "Deployment").deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).putObject("readinessprobe");
        assertThatThrownBy(() -> StrictModels.read(deployment)).hasMessageContaining("readinessprobe");
    }

    @Test
    void refusesANumberWhereKubernetesWantsAString() {
        ObjectNode config = (ObjectNode) find("dev", "ConfigMap").deepCopy();
        ((ObjectNode) config.get("data")).put("PUNCTUAL_TOPICS_PARTITIONS", 3);
        assertThatThrownBy(() -> StrictModels.read(config)).hasMessageContaining("ConfigMap");
    }

    @Test
    void refusesAnUnknownFieldInAKafkaTopic() {
        ObjectNode topic = (ObjectNode) find("prod", "KafkaTopic").deepCopy();
        ((ObjectNode) topic.get("spec")).put("replicationFactor", 3);
        assertThatThrownBy(() -> StrictModels.read(topic)).hasMessageContaining("replicationFactor");
    }

    @Test
    void refusesAnUnknownFieldInAScaledObject() {
        ObjectNode scaled = (ObjectNode) find("prod", "ScaledObject").deepCopy();
        ((ObjectNode) scaled.get("spec")).put("maxReplicas", 12);
        assertThatThrownBy(() -> StrictModels.read(scaled)).hasMessageContaining("maxReplicas");
    }

    @Test
    void refusesAKindWithoutASchema() {
        ObjectNode monitor = new ObjectMapper().createObjectNode()
                .put("apiVersion", "monitoring.coreos.com/v1").put("kind", "PodMonitor");
        assertThatThrownBy(() -> StrictModels.read(monitor)).hasMessageContaining("No schema");
    }

    private static JsonNode find(String overlay, String kind) {
        return RenderedOverlay.objects(overlay).stream().filter(o -> o.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }
}
