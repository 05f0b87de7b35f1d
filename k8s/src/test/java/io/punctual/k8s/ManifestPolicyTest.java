package io.punctual.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.schemas.topic.Cleanup;
import io.punctual.schemas.topic.TopicDef;
import io.punctual.schemas.topic.Topics;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a review of the manifests asks, checked on the output of {@code kubectl kustomize} for each overlay, so a
 * patch in an overlay cannot undo it unnoticed.
 */
class ManifestPolicyTest {
    private static final String APP_NAMESPACE = "punctual";
    private static final String SECRET = "punctual-keyset";
    /** JVM memory outside heap, direct buffers, metaspace and RocksDB: code cache, thread stacks, GC structures. */
    private static final long JVM_OVERHEAD_BYTES = 64L << 20;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void workloadsRunLockedDownWithProbesResourcesAndSpread(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        List<JsonNode> workloads = ofKind(objects, "Deployment", "StatefulSet");
        assertThat(workloads).extracting(w -> w.at("/metadata/name").asText())
                .containsExactlyInAnyOrder("punctual-planner", "punctual-executor", "punctual-gateway");
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode workload : workloads) {
            String name = RenderedOverlay.describe(workload);
            JsonNode pod = workload.at("/spec/template/spec");
            JsonNode podLabels = workload.at("/spec/template/metadata/labels");
            soft.assertThat(workload.at("/metadata/namespace").asText()).as("%s namespace", name).isEqualTo(APP_NAMESPACE);
            soft.assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as("%s runAsNonRoot", name).isTrue();
            soft.assertThat(pod.at("/securityContext/runAsUser").asLong(0)).as("%s runAsUser", name).isPositive();
            soft.assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as("%s seccomp", name).isEqualTo("RuntimeDefault");
            soft.assertThat(pod.path("topologySpreadConstraints")).as("%s topology spread", name).isNotEmpty();
            for (JsonNode spread : pod.path("topologySpreadConstraints")) {
                soft.assertThat(selects(spread.at("/labelSelector/matchLabels"), podLabels)).as("%s spread selects its pods", name).isTrue();
            }
            soft.assertThat(pdbFor(objects, workload)).as("%s PodDisruptionBudget", name).isPresent();
            soft.assertThat(mountsSecret(pod)).as("%s mounts the keyset Secret", name).isTrue();
            for (JsonNode container : pod.path("containers")) {
                String c = name + " container " + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                soft.assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("%s readOnlyRootFilesystem", c).isTrue();
                soft.assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("%s allowPrivilegeEscalation", c).isFalse();
                soft.assertThat(security.path("runAsNonRoot").asBoolean(true)).as("%s runAsNonRoot", c).isTrue();
                soft.assertThat(texts(security.at("/capabilities/drop"))).as("%s drops capabilities", c).contains("ALL");
                soft.assertThat(texts(security.at("/capabilities/add"))).as("%s adds capabilities", c).isEmpty();
                soft.assertThat(probePath(container, "livenessProbe")).as("%s liveness", c).contains("/health/liveness");
                soft.assertThat(probePath(container, "readinessProbe")).as("%s readiness", c).contains("/health/readiness");
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    JsonNode port = container.at("/" + probe + "/httpGet/port");
                    if (port.isTextual()) {
                        soft.assertThat(texts(container.path("ports"), "name")).as("%s %s port", c, probe).contains(port.asText());
                    }
                }
                soft.assertThat(container.at("/resources/requests/cpu").isMissingNode()).as("%s cpu request", c).isFalse();
                long request = bytes(container.at("/resources/requests/memory").asText("0"));
                long limit = bytes(container.at("/resources/limits/memory").asText("0"));
                soft.assertThat(limit).as("%s memory limit", c).isPositive().isGreaterThanOrEqualTo(request);
                soft.assertThat(request).as("%s memory request", c).isPositive();
                soft.assertThat(jvmFootprint(container)).as("%s heap + direct + metaspace + RocksDB + overhead fits the limit %d", c, limit)
                        .isLessThanOrEqualTo(limit);
                soft.assertThat(writableTmp(pod, container)).as("%s has a writable /tmp volume", c).isTrue();
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void plannerOwnsItsStateWithAHeadlessServiceAndBoundedRocksDb(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        JsonNode planner = ofKind(objects, "StatefulSet").get(0);
        JsonNode pod = planner.at("/spec/template/spec");
        assertThat(pod.at("/securityContext/fsGroup").asLong(0)).as("fsGroup so the non-root user can write its PVC")
                .isEqualTo(pod.at("/securityContext/runAsGroup").asLong(-1));
        String serviceName = planner.at("/spec/serviceName").asText();
        JsonNode service = ofKind(objects, "Service").stream().filter(s -> s.at("/metadata/name").asText().equals(serviceName))
                .findFirst().orElseThrow(() -> new AssertionError("The planner's governing Service " + serviceName + " is missing"));
        assertThat(service.at("/spec/clusterIP").asText()).as("headless").isEqualTo("None");
        assertThat(selects(service.at("/spec/selector"), planner.at("/spec/template/metadata/labels"))).isTrue();
        String claim = planner.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
        JsonNode container = pod.at("/containers/0");
        assertThat(texts(container.path("volumeMounts"), "name")).as("state PVC mounted").contains(claim);
        assertThat(env(container)).containsKeys("PUNCTUAL_PLANNER_STATE_DIR", "PUNCTUAL_PLANNER_ROCKSDB_MEMORY",
                "PUNCTUAL_PLANNER_ROCKSDB_WRITE_BUFFER_MEMORY");
        assertThat(env(container).get("PUNCTUAL_PLANNER_STATE_DIR")).startsWith(mountPath(container, claim));
        assertThat(container.path("startupProbe").isMissingNode()).as("startup probe: restoring stores takes time").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void topicsLiveWithTheKafkaClusterAndRequireInSyncReplicas(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        JsonNode config = ofKind(objects, "ConfigMap").get(0).path("data");
        // <cluster>-kafka-bootstrap.<namespace>:<port>: Strimzi's bootstrap Service names both.
        Matcher bootstrap = Pattern.compile("([a-z0-9-]+)-kafka-bootstrap\\.([a-z0-9-]+)(\\.svc.*)?:\\d+")
                .matcher(config.path("KAFKA_BOOTSTRAP_SERVERS").asText());
        assertThat(bootstrap.matches()).as("bootstrap address names a Strimzi cluster").isTrue();
        String cluster = bootstrap.group(1);
        String kafkaNamespace = bootstrap.group(2);
        List<JsonNode> topics = ofKind(objects, "KafkaTopic");
        Map<String, JsonNode> byTopicName = new HashMap<>();
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode topic : topics) {
            String name = RenderedOverlay.describe(topic);
            byTopicName.put(topic.at("/spec/topicName").asText(), topic);
            soft.assertThat(topic.at("/metadata/namespace").asText()).as("%s namespace: the Topic Operator watches only its own", name)
                    .isEqualTo(kafkaNamespace);
            soft.assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).as("%s cluster label", name).isEqualTo(cluster);
            int replicas = topic.at("/spec/replicas").asInt();
            JsonNode minIsr = topic.at("/spec/config/min.insync.replicas");
            soft.assertThat(minIsr.isMissingNode()).as("%s min.insync.replicas set", name).isFalse();
            soft.assertThat(minIsr.asInt()).as("%s min.insync.replicas", name).isBetween(1, replicas);
            if (replicas >= 3) {
                // Acknowledged writes survive a broker loss, and one broker may be down without refusing writes.
                soft.assertThat(minIsr.asInt()).as("%s min.insync.replicas with %d replicas", name, replicas).isBetween(2, replicas - 1);
            }
            soft.assertThat(topic.at("/spec/partitions").asInt()).as("%s partitions", name)
                    .isEqualTo(Integer.parseInt(config.path("PUNCTUAL_TOPICS_PARTITIONS").asText()));
        }
        for (TopicDef<?> def : Topics.ALL) {
            JsonNode topic = byTopicName.get(def.name());
            soft.assertThat(topic).as("KafkaTopic for %s", def.name()).isNotNull();
            if (topic != null) {
                soft.assertThat(topic.at("/spec/config/cleanup.policy").asText()).as("%s cleanup", def.name())
                        .isEqualTo(def.cleanup() == Cleanup.COMPACT ? "compact" : "delete");
                def.retention().ifPresent(r -> soft.assertThat(topic.at("/spec/config/retention.ms").asLong()).as("%s retention", def.name())
                        .isEqualTo(r.toMillis()));
            }
        }
        soft.assertThat(byTopicName).as("no topic outside the catalog").hasSameSizeAs(Topics.ALL);
        soft.assertAll();
        assertThat(ofKind(objects, "Deployment", "StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget",
                "HorizontalPodAutoscaler", "ScaledObject")).allSatisfy(o -> assertThat(o.at("/metadata/namespace").asText())
                .as(RenderedOverlay.describe(o)).isEqualTo(APP_NAMESPACE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theKeysetSecretIsReferencedButNeverShipped(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        assertThat(ofKind(objects, "Secret")).as("a shipped Secret would replace the real keyset on every apply").isEmpty();
        assertThat(RenderedOverlay.yaml(overlay)).doesNotContain("REPLACE_WITH");
        assertThat(ofKind(objects, "ConfigMap").get(0).at("/data/PUNCTUAL_KEYSET_PATH").asText()).startsWith("/etc/punctual/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscalersTargetTheWorkloadsWithinThePartitionCount(String overlay) {
        List<JsonNode> objects = RenderedOverlay.objects(overlay);
        int partitions = Integer.parseInt(ofKind(objects, "ConfigMap").get(0).at("/data/PUNCTUAL_TOPICS_PARTITIONS").asText());
        JsonNode scaled = ofKind(objects, "ScaledObject").get(0);
        assertThat(scaled.at("/spec/scaleTargetRef/name").asText()).isEqualTo("punctual-executor");
        assertThat(scaled.at("/spec/maxReplicaCount").asInt()).as("executors beyond the partitions of punctual.due idle")
                .isLessThanOrEqualTo(partitions);
        JsonNode trigger = scaled.at("/spec/triggers/0/metadata");
        assertThat(trigger.path("topic").asText()).isEqualTo(Topics.DUE.name());
        assertThat(trigger.path("consumerGroup").asText()).isEqualTo("punctual-executor");
        assertThat(trigger.path("bootstrapServers").asText())
                .isEqualTo(ofKind(objects, "ConfigMap").get(0).at("/data/KAFKA_BOOTSTRAP_SERVERS").asText());
        JsonNode hpa = ofKind(objects, "HorizontalPodAutoscaler").get(0);
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("punctual-gateway");
        assertThat(ofKind(objects, "StatefulSet").get(0).at("/spec/replicas").asInt()).isLessThanOrEqualTo(partitions);
    }

    @Test
    void theImageIsBuiltFromSourceOnPinnedBasesAndRunsAsNonRoot() throws IOException {
        String dockerfile = Files.readString(RenderedOverlay.moduleDir().resolve("Dockerfile"));
        List<String> froms = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        for (String from : froms) {
            String image = from.split("\\s+")[1];
            // An exact release (x.y.z) or a digest, never a floating tag.
            assertThat(image).as(from).matches(".+:(\\d+\\.\\d+\\.\\d+[^\\s]*|.*@sha256:[0-9a-f]{64})");
        }
        assertThat(froms.get(1)).as("runtime base is a JRE 17").contains("eclipse-temurin:17.").contains("-jre");
        assertThat(dockerfile).contains("mvn ").contains("COPY --from=build");
        assertThat(dockerfile).doesNotContain("COPY standalone/target");
        List<String> users = dockerfile.lines().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        assertThat(users.get(users.size() - 1)).matches("USER [1-9]\\d*(:[1-9]\\d*)?");
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String... kinds) {
        List<String> wanted = List.of(kinds);
        return objects.stream().filter(o -> wanted.contains(o.path("kind").asText())).toList();
    }

    private static Optional<JsonNode> pdbFor(List<JsonNode> objects, JsonNode workload) {
        JsonNode labels = workload.at("/spec/template/metadata/labels");
        return ofKind(objects, "PodDisruptionBudget").stream()
                .filter(p -> p.at("/metadata/namespace").equals(workload.at("/metadata/namespace")))
                .filter(p -> selects(p.at("/spec/selector/matchLabels"), labels))
                .filter(p -> p.at("/spec/maxUnavailable").asInt(0) > 0 || p.at("/spec/minAvailable").isTextual()
                        || p.at("/spec/minAvailable").asInt(Integer.MAX_VALUE) < workload.at("/spec/replicas").asInt(1))
                .findFirst();
    }

    private static boolean selects(JsonNode matchLabels, JsonNode labels) {
        if (matchLabels == null || !matchLabels.isObject() || matchLabels.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : iterable(matchLabels)) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static Optional<String> probePath(JsonNode container, String probe) {
        JsonNode path = container.at("/" + probe + "/httpGet/path");
        return path.isMissingNode() ? Optional.empty() : Optional.of(path.asText());
    }

    private static boolean mountsSecret(JsonNode pod) {
        return StreamSupport.stream(pod.path("volumes").spliterator(), false)
                .anyMatch(v -> v.at("/secret/secretName").asText().equals(SECRET));
    }

    private static boolean writableTmp(JsonNode pod, JsonNode container) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp") && !mount.path("readOnly").asBoolean(false)) {
                String volume = mount.path("name").asText();
                return StreamSupport.stream(pod.path("volumes").spliterator(), false)
                        .anyMatch(v -> v.path("name").asText().equals(volume) && v.has("emptyDir"));
            }
        }
        return false;
    }

    private static String mountPath(JsonNode container, String volume) {
        return StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                .filter(m -> m.path("name").asText().equals(volume)).map(m -> m.path("mountPath").asText()).findFirst().orElse("?");
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(null));
        }
        return env;
    }

    /** What the JVM may take: every bound its command line sets, RocksDB for the planner, and fixed overhead. */
    private static long jvmFootprint(JsonNode container) {
        List<String> command = new ArrayList<>(texts(container.path("command")));
        long heap = option(command, "-Xmx").orElseThrow(() -> new AssertionError("no -Xmx in " + command));
        long direct = option(command, "-XX:MaxDirectMemorySize=").orElseThrow(() -> new AssertionError("no MaxDirectMemorySize in " + command));
        long metaspace = option(command, "-XX:MaxMetaspaceSize=").orElseThrow(() -> new AssertionError("no MaxMetaspaceSize in " + command));
        String rocksDb = env(container).get("PUNCTUAL_PLANNER_ROCKSDB_MEMORY");
        return heap + direct + metaspace + (rocksDb == null ? 0 : bytes(rocksDb)) + JVM_OVERHEAD_BYTES;
    }

    private static Optional<Long> option(List<String> command, String prefix) {
        return command.stream().filter(a -> a.startsWith(prefix)).map(a -> bytes(a.substring(prefix.length()))).findFirst();
    }

    /** Kubernetes quantities (512Mi, 2Gi), JVM sizes (512m, 1g) and Micronaut sizes (384MB), in bytes. */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)\\s*(Ki|Mi|Gi|k|K|m|M|g|G|KB|MB|GB)?").matcher(size.trim());
        if (!m.matches()) {
            throw new AssertionError("Not a memory size: " + size);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "" -> n;
            case "Ki", "k", "K", "KB" -> n << 10;
            case "Mi", "m", "M", "MB" -> n << 20;
            default -> n << 30;
        };
    }
}
