package org.kemwb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard records heavy work on the registered UI thread, and only there. */
class UiThreadGuardTest {
    @AfterEach
    void reset() {
        UiThreadGuard.unregister();
        UiThreadGuard.clear();
    }

    @Test
    void recordsWorkOnTheRegisteredThreadOnly(@TempDir Path dir) throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-ui"));
        try {
            ui.submit(UiThreadGuard::registerCurrentThread).get();
            // a real entry point (atomic file write) called on the "UI" thread is recorded...
            ui.submit(() -> {
                AtomicFiles.writeString(dir.resolve("a.txt"), "a");
                return null;
            }).get();
            List<String> v = UiThreadGuard.violations();
            assertEquals(1, v.size(), v.toString());
            assertTrue(v.get(0).startsWith("file write on the UI thread fake-ui"), v.get(0));
            assertTrue(v.get(0).contains("UiThreadGuardTest"), "names the caller: " + v.get(0));
            // ...the work itself still completes
            assertEquals("a", Files.readString(dir.resolve("a.txt")));
            // the same call on another thread is fine
            AtomicFiles.writeString(dir.resolve("b.txt"), "b");
            assertTrue(UiThreadGuard.check("inference"));
            assertEquals(1, UiThreadGuard.violations().size());
        } finally {
            ui.shutdownNow();
        }
    }

    @Test
    void withoutARegisteredThreadEveryCheckPasses() {
        assertTrue(UiThreadGuard.check("inference"));
        assertEquals(List.of(), UiThreadGuard.violations());
    }
}
