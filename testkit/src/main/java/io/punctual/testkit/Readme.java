package io.punctual.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's README.md, for tests that hold the code and the README to each other. */
public final class Readme {
    private Readme() {
    }

    /** README.md in the working directory or the nearest one above it (a module's tests run in the module). */
    public static Path path() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("No README.md in " + start + " or above");
    }
}
