package io.punctual.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One overlay rendered by {@code kubectl kustomize}, the way {@code kubectl apply -k} would send it. Without kubectl
 * the tests fail with the reason: CI installs it, and a skipped check would let a broken manifest pass.
 */
final class RenderedOverlay {
    /** Overrides the kubectl binary (default: {@code kubectl} on the PATH). */
    static final String KUBECTL_PROPERTY = "punctual.kubectl";

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private RenderedOverlay() {
    }

    /** The objects of {@code k8s/overlays/<name>}, in kubectl's order. */
    static List<JsonNode> objects(String overlay) {
        return RENDERED.computeIfAbsent(overlay, RenderedOverlay::render);
    }

    static String yaml(String overlay) {
        return kustomize(overlayDir(overlay));
    }

    static Path moduleDir() {
        // Surefire runs in the module's directory; an IDE may run from the repository root.
        return Files.isDirectory(Path.of("overlays")) ? Path.of("") : Path.of("k8s");
    }

    private static Path overlayDir(String overlay) {
        Path dir = moduleDir().resolve("overlays").resolve(overlay);
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("No overlay " + dir.toAbsolutePath());
        }
        return dir;
    }

    private static List<JsonNode> render(String overlay) {
        String yaml = kustomize(overlayDir(overlay));
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize printed YAML that does not parse", e);
        }
        if (objects.isEmpty()) {
            throw new AssertionError("kubectl kustomize " + overlay + " rendered no objects");
        }
        return objects;
    }

    private static String kustomize(Path dir) {
        String kubectl = System.getProperty(KUBECTL_PROPERTY, "kubectl");
        Process process;
        try {
            process = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("Cannot run '" + kubectl + "' to render " + dir + ": install kubectl (Debian: apt-get install "
                    + "kubernetes-client; .ci/run does) or point -D" + KUBECTL_PROPERTY + " at one", e);
        }
        try {
            process.getOutputStream().close();
            // Read stdout and stderr fully; kustomize output is small, so reading one after the other cannot block.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(kubectl + " kustomize " + dir + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(kubectl + " kustomize " + dir + " failed (" + process.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("Reading kubectl's output failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while rendering " + dir, e);
        }
    }

    static String describe(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("namespace").asText("-") + "/"
                + object.path("metadata").path("name").asText();
    }
}
