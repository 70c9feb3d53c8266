package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.concurrent.Task;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The status bar shows an error until a later success, never a stale one, and never a bare "OK". */
@Timeout(600)
class StatusMessagesTest {
    WorkbenchState state;
    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() {
        if (state != null) {
            state.close();
        }
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    /** A user job that waits for the latch, then succeeds. */
    static Task<Void> waiting(CountDownLatch go) {
        return new Task<>() {
            @Override
            protected Void call() throws Exception {
                go.await(600, TimeUnit.SECONDS);
                return null;
            }
        };
    }

    static void done(Task<?> t) throws Exception {
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, t::isDone);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void aLaterSuccessClearsTheErrorAndTheLogKeepsIt() throws Exception {
        state = fx(WorkbenchState::new);
        CountDownLatch go = new CountDownLatch(1);
        // a job already running when the error comes does not clear it by succeeding
        Task<Void> before = fx(() -> state.jobs().onOwnThread(waiting(go), "kemwb-before"));
        fx(() -> {
            state.report("export failed: disk full");
            return null;
        });
        go.countDown();
        done(before);
        assertEquals("export failed: disk full", state.errorProperty().get());
        // nor does a background refresh
        Task<Void> poll = fx(() -> state.jobs().background(waiting(new CountDownLatch(0)), "kemwb-poll"));
        done(poll);
        assertEquals("export failed: disk full", state.errorProperty().get());
        // a user job started after the error succeeds: the error is stale and leaves the status bar
        Task<Void> later = fx(() -> state.jobs().onOwnThread(waiting(new CountDownLatch(0)), "kemwb-export"));
        done(later);
        assertNull(state.errorProperty().get());
        assertEquals(List.of("export failed: disk full"), fx(() -> state.messages().stream().map(WorkbenchState.Message::text).toList()),
                "the message log keeps it");
    }

    @Test
    void aFailureAfterTheJobStartedStaysShown() throws Exception {
        state = fx(WorkbenchState::new);
        Task<Void> failing = new Task<>() {
            @Override
            protected Void call() {
                throw new IllegalStateException("cannot read scene-9.png");
            }
        };
        failing.setOnFailed(e -> state.report(WorkbenchState.message(failing.getException())));
        fx(() -> state.jobs().onOwnThread(failing, "kemwb-read"));
        done(failing);
        assertEquals("cannot read scene-9.png", state.errorProperty().get(), "its own failure is not cleared by anything before it");
    }

    @Test
    void runningOutOfHeapSaysWhatToDo() {
        String m = WorkbenchState.message(new OutOfMemoryError("Java heap space"));
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        assertEquals("out of memory (Java heap space, heap limit " + heapMb + " MB; a 12 MP photo needs about 2 GB with two models"
                + " open): start with KEMWB_JAVA_OPTS=-Xmx" + Math.max(8, 2 * Math.ceilDiv(heapMb, 1024)) + "g", m);
    }

    @Test
    void theStatusBarNeverSaysOk() throws Exception {
        state = fx(WorkbenchState::new);
        StatusBar bar = fx(() -> (StatusBar) new MainWindow(state, dir, List.of()).lookup("#status-bar"));
        assertEquals("", bar.getText());
    }
}
