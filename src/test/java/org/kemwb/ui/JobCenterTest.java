package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.job.TrainingJob;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.train.RunStatus;
import org.kemwb.train.TrainConfig;
import org.kemwb.util.Json;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The job manager: one list of running and queued jobs, per-job cancel, Esc, one training at a time, a still idle bar. */
@Timeout(180)
class JobCenterTest {
    private final JobCenter center = new JobCenter();
    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() {
        center.close();
    }

    static void waitFor(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
    }

    /** A task that runs until released (or cancelled) and records that it ran. */
    static Task<Void> blocker(CountDownLatch release, AtomicBoolean ran) {
        return new Task<>() {
            @Override
            protected Void call() throws Exception {
                ran.set(true);
                while (!release.await(20, TimeUnit.MILLISECONDS)) {
                    if (isCancelled()) {
                        return null;
                    }
                }
                return null;
            }
        };
    }

    @Test
    void engineJobsQueueAndAQueuedJobCancelledBeforeItsTurnNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ranA = new AtomicBoolean();
        AtomicBoolean ranB = new AtomicBoolean();
        AtomicBoolean ranC = new AtomicBoolean();
        Task<Void> a = blocker(release, ranA);
        Task<Void> b = blocker(release, ranB);
        Task<Void> c = blocker(release, ranC);
        fx(() -> {
            center.onEngine(a, "A");
            center.onEngine(b, "B");
            center.onEngine(c, "C");
            return null;
        });
        waitFor(ranA::get);
        waitFor(() -> center.jobs().size() == 3 && !center.jobs().get(0).queuedProperty().get());
        List<String> titles = fx(() -> center.userJobs().stream().map(JobCenter.Entry::title).toList());
        assertEquals(List.of("A", "B", "C"), titles);
        assertTrue(fx(() -> center.jobs().get(1).queuedProperty().get() && center.jobs().get(2).queuedProperty().get()));
        assertEquals("queued", fx(() -> center.jobs().get(1).detailProperty().get()));
        fx(() -> {
            center.jobs().get(1).cancel(); // B, before its turn
            return null;
        });
        waitFor(() -> center.jobs().size() == 2);
        release.countDown();
        waitFor(c::isDone);
        waitFor(() -> center.jobs().isEmpty());
        assertTrue(ranC.get());
        assertFalse(ranB.get(), "a job cancelled while queued never runs");
        assertEquals(Worker.State.CANCELLED, fx(b::getState));
    }

    @Test
    void escCancelsTheNewestUserJobNeverABackgroundRefresh() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        Task<Void> older = blocker(release, new AtomicBoolean());
        Task<Void> user = blocker(release, ran);
        Task<Void> refresh = blocker(release, new AtomicBoolean());
        fx(() -> {
            center.onOwnThread(older, "kemwb-export-chart");
            center.onOwnThread(user, "kemwb-imbalance");
            center.background(refresh, "kemwb-runs-watch");
            return null;
        });
        waitFor(() -> center.jobs().size() == 3);
        assertEquals(List.of("Export chart", "Imbalance"), fx(() -> center.userJobs().stream().map(JobCenter.Entry::title).toList()),
                "background jobs are not listed");
        JobCenter.Entry cancelled = fx(center::cancelNewestUserJob);
        assertSame(user, cancelled.task());
        waitFor(() -> user.isDone());
        assertFalse(refresh.isDone(), "the background refresh goes on");
        assertFalse(older.isDone(), "only the newest user job");
        JobCenter.Entry next = fx(center::cancelNewestUserJob);
        assertSame(older, next.task());
        waitFor(() -> older.isDone());
        assertNull(fx(center::cancelNewestUserJob), "only a background job left: Esc does nothing");
        assertFalse(refresh.isDone());
        release.countDown();
        waitFor(() -> center.jobs().isEmpty());
    }

    @Test
    void statusBarIsEmptyAndStillWhenIdleAndShowsTheNewestJobWhileItRuns() throws Exception {
        JobsBar bar = fx(() -> new JobsBar(center));
        var progress = (javafx.scene.control.ProgressBar) bar.lookup("#jobs-progress");
        assertFalse(progress.isVisible(), "no progress bar when idle");
        assertEquals(0.0, progress.getProgress(), "not indeterminate (an indeterminate bar animates)");
        CountDownLatch release = new CountDownLatch(1);
        Task<Void> job = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateProgress(3, 10);
                release.await();
                return null;
            }
        };
        fx(() -> center.onOwnThread(job, "kemwb-toy-noise"));
        waitFor(() -> progress.isVisible() && progress.getProgress() == 0.3);
        String title = fx(() -> ((javafx.scene.control.Label) bar.lookup("#jobs-title")).getText());
        assertTrue(title.startsWith("Toy noise  3 / 10"), title);
        assertEquals("Jobs (1)", fx(() -> ((javafx.scene.control.Button) bar.lookup("#jobs-list-button")).getText()));
        release.countDown();
        waitFor(() -> center.jobs().isEmpty());
        assertFalse(progress.isVisible());
        assertEquals(0.0, progress.getProgress());
    }

    @Test
    void theJobsListCancelsTheJobItNames() throws Exception {
        JobsBar bar = fx(() -> new JobsBar(center));
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ranSecond = new AtomicBoolean();
        Task<Void> first = blocker(release, new AtomicBoolean());
        Task<Void> second = blocker(release, ranSecond);
        fx(() -> {
            center.onEngine(first, "Loading model");
            center.onEngine(second, "Inference");
            return null;
        });
        waitFor(() -> bar.listContent().lookup("#job-cancel-1") != null);
        fx(() -> {
            ((javafx.scene.control.Button) bar.listContent().lookup("#job-cancel-1")).fire();
            return null;
        });
        waitFor(() -> second.isDone());
        assertFalse(first.isDone());
        release.countDown();
        waitFor(() -> center.jobs().isEmpty());
        assertFalse(ranSecond.get());
    }

    static TrainConfig small(int steps) {
        ModelConfig m = new ModelConfig(List.of(org.kemwb.model.Task.SEMSEG, org.kemwb.model.Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        return new TrainConfig(m, steps, 4, 1e-3, 1e-4, 2, 0.9, 1, 4, 1, 1, 16, 4, "cpu", Map.of(), "", 1.0);
    }

    @Test
    void oneTrainingAtATimeWithLiveRowsAndACooperativeCancel() throws Exception {
        Path run = dir.resolve("run-a");
        Task<RunStatus> task = fx(() -> center.train(TrainingJob.start(run, small(2000))));
        JobCenter.Training training = fx(() -> center.trainingProperty().get());
        assertEquals("run-a", training.job().name());
        String refused = fx(() -> {
            try {
                center.train(TrainingJob.start(dir.resolve("run-b"), small(10)));
                return "started";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertTrue(refused.contains("already running (run-a)"), refused);
        AtomicInteger rows = new AtomicInteger();
        training.subscribe(batch -> rows.addAndGet(batch.size()));
        waitFor(() -> rows.get() >= 3);
        // a late subscriber gets every row so far first
        AtomicInteger late = new AtomicInteger();
        training.subscribe(batch -> late.addAndGet(batch.size()));
        assertTrue(late.get() >= 3);
        String detail = fx(() -> training.entry().detailProperty().get());
        assertTrue(detail.matches("\\d+ / 2000( · .* left)?"), detail);
        fx(() -> center.cancelNewestUserJob());
        waitFor(() -> task.isDone());
        assertEquals(Worker.State.SUCCEEDED, fx(task::getState), "a cancelled run ends normally after recording its status");
        assertEquals(RunStatus.CANCELLED, task.get());
        waitFor(() -> center.trainingProperty().get() == null);
        assertEquals("cancelled", Json.MAPPER.readTree(run.resolve("run.json").toFile()).get("status").asText());
        assertFalse(org.kemwb.train.RunLock.isHeld(run), "the lock is released");
    }
}
