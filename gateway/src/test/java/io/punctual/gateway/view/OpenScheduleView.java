package io.punctual.gateway.view;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

/** A schedule view on a store of its own in a temporary directory for each test, closed and deleted after it. */
final class OpenScheduleView implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private ViewStore store;
    private ScheduleView view;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("schedule-view");
        store = new ViewStore(dir);
        view = ViewFixtures.scheduleView(store, gone -> { });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        store.close();
        ViewFixtures.delete(dir);
    }

    ScheduleView view() {
        return view;
    }
}
