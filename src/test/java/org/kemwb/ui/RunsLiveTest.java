package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import org.jfree.data.xy.XYSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.job.JobListener;
import org.kemwb.job.TrainingJob;
import org.kemwb.train.RunStatus;
import org.kemwb.util.AtomicFiles;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Runs page shows runs live wherever they are written: a writer thread appends rows (torn
 * mid-line at times) and replaces run.json atomically, as a trainer (ours or the PyTorch
 * script) does, while the page polls; and Resume on Runs continues a run live on Train.
 */
@Timeout(300)
class RunsLiveTest {
    @TempDir
    Path root;
    private WorkbenchState state;
    private final StackPane center = new StackPane();

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() throws Exception {
        fx(() -> {
            center.getChildren().clear();
            return null;
        });
        if (state != null) {
            state.close();
        }
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    /** Waits for a condition; {@code seconds} is only a hint: a busy machine gets the hang limit of 600 s. */
    static void waitFor(BooleanSupplier condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(Math.max(seconds, 600), TimeUnit.SECONDS, () -> fx(condition::getAsBoolean));
    }

    private void show(javafx.scene.Node page) throws Exception {
        fx(() -> {
            center.getChildren().setAll(page);
            return null;
        });
    }

    private void stage() throws Exception {
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(center, 1280, 800));
            s.show();
        });
    }

    static String runJson(String status, int step) {
        return "{\"config\":{\"seed\":0,\"steps\":200,\"model\":{\"interaction\":\"kem\",\"tasks\":[\"semseg\",\"depth\"]}},"
                + "\"status\":\"" + status + "\",\"step\":" + step + "}";
    }

    static String loss(int step) {
        return String.format(Locale.ROOT, "%.6g", 10.0 / step);
    }

    @Test
    void aRunWrittenElsewhereAppearsAndItsCurveGrowsLiveUntilItFinishes() throws Exception {
        state = new WorkbenchState();
        Path cluster = root.resolve("cluster-mount");
        Files.createDirectories(cluster);
        RunsView view = fx(() -> new RunsView(state, List.of(), p -> { }));
        stage();
        show(view);
        fx(() -> {
            view.addFolder(cluster);
            return null;
        });
        Path run = cluster.resolve("ddp-run");
        int total = 200;
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                Files.createDirectories(run);
                AtomicFiles.writeString(run.resolve("run.json"), runJson("running", 0));
                Path metrics = run.resolve("metrics.csv");
                Files.writeString(metrics, "step,kind,lr,loss\n");
                for (int step = 1; step <= total; step++) {
                    String line = step + ",train,0.001," + loss(step) + "\n";
                    // write each row in two parts, so that polls see torn lines
                    int cut = line.length() / 2;
                    Files.writeString(metrics, line.substring(0, cut), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    Thread.sleep(1);
                    Files.writeString(metrics, line.substring(cut), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    if (step % 20 == 0) {
                        AtomicFiles.writeString(run.resolve("run.json"), runJson("running", step)); // temp file + rename
                    }
                    if (step == total / 2) {
                        halfway.countDown();
                        goOn.await(600, TimeUnit.SECONDS);
                    }
                    Thread.sleep(5);
                }
                AtomicFiles.writeString(run.resolve("run.json"), runJson("finished", total));
            } catch (Throwable t) {
                writerError.set(t);
            }
        }, "test-writer");
        writer.start();
        assertTrue(halfway.await(600, TimeUnit.SECONDS)); // hang limit
        // the run appears by itself (no refresh pressed) and says running
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("ddp-run") && r.status().equals("running")
                && r.step().equals(Integer.toString(total / 2))), 60);
        fx(() -> {
            view.table().getSelectionModel().select(0);
            return null;
        });
        waitFor(() -> rawLoss(view).getItemCount() == total / 2, 60);
        goOn.countDown();
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.status().equals("finished")), 120);
        writer.join(600_000); // hang limit
        assertEquals(null, writerError.get());
        waitFor(() -> rawLoss(view).getItemCount() == total, 30);
        // live: the curve held the first half while the run was still writing (above), and grows to the end;
        // how many polls the second half took depends on the machine's speed, so it is not asserted
        XYSeries raw = fx(() -> rawLoss(view));
        for (int i = 0; i < raw.getItemCount(); i++) {
            int step = raw.getX(i).intValue();
            assertEquals(i + 1, step, "steps 1..200 in order, none twice");
            assertEquals(Double.parseDouble(loss(step)), raw.getY(i).doubleValue(), 0, "whole values only (no torn cell)");
        }
        assertEquals("finished", fx(() -> view.table().getItems().getFirst().status()));
        assertEquals("loss", fx(() -> view.chart().chart().getXYPlot().getRangeAxis().getLabel()));
    }

    /** The run's raw loss series (the faint one behind the smoothed curve). */
    private static XYSeries rawLoss(RunsView view) {
        Map<String, XYSeries> s = view.chart().series();
        XYSeries raw = s.get("ddp-run (raw)");
        return raw != null ? raw : s.getOrDefault("ddp-run", new XYSeries("none"));
    }

    @Test
    void resumeFromRunsContinuesLiveOnTrainHistoryFirstAndBlocksASecondRun() throws Exception {
        state = new WorkbenchState();
        Path runs = root.resolve("runs");
        Path run = runs.resolve("to-resume");
        AtomicInteger rows = new AtomicInteger();
        // a run cancelled after step 6 (its last checkpoint is at step 4)
        RunStatus first = TrainingJob.start(run, JobCenterTest.small(12)).run(new JobListener() {
            @Override
            public void progress(long done, long total) {
            }

            @Override
            public void rows(List<Map<String, String>> batch) {
                rows.addAndGet(batch.size());
            }

            @Override
            public boolean isCancelled() {
                return rows.get() >= 7;
            }
        });
        assertEquals(RunStatus.CANCELLED, first);
        TrainView train = fx(() -> new TrainView(state, runs));
        RunsView view = fx(() -> new RunsView(state, List.of(runs), page -> center.getChildren().setAll(page.equals("Train") ? train
                : new StackPane())));
        stage();
        show(view);
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("to-resume") && r.status().equals("cancelled")), 60);
        // checked in the same FX turn as the click: the tiny run may finish within a second
        List<Boolean> checks = fx(() -> {
            view.table().getSelectionModel().select(0);
            view.resume(view.table().getItems().getFirst());
            return List.of(center.getChildren().contains(train), train.lookup("#train-start").isDisabled(),
                    view.lookup("#runs-resume").isDisabled(), train.lookup("#train-cancel").isDisabled());
        });
        assertTrue(checks.get(0), "Resume switches to Train");
        assertTrue(checks.get(1), "Start disabled while a training runs");
        assertTrue(checks.get(2), "Resume disabled while a training runs");
        assertFalse(checks.get(3), "Cancel enabled");
        waitFor(() -> state.jobs().trainingProperty().get() == null, 240);
        // history (steps 1-4) and the resumed steps (5-12) on one curve, in order
        var loss = fx(() -> train.chart().lines().stream().filter(l -> l.label().equals("loss")).findFirst().orElseThrow());
        assertEquals("to-resume", loss.run());
        double[] steps = loss.curve().steps();
        assertEquals(12, steps.length, java.util.Arrays.toString(steps));
        for (int i = 0; i < steps.length; i++) {
            assertEquals(i + 1, steps[i]);
        }
        assertTrue(fx(() -> train.lookup("#train-cancel").isDisabled()), "nothing to cancel");
        assertFalse(fx(() -> view.lookup("#runs-resume").isDisabled()), "Resume possible again");
        // Runs says finished by itself once shown again
        show(view);
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("to-resume") && r.status().equals("finished")), 60);
    }

    @Test
    void aFinishedRunCannotBeResumedAndItsRunJsonStaysUntouched() throws Exception {
        state = new WorkbenchState();
        Path runs = root.resolve("runs");
        Path run = runs.resolve("done-run");
        Files.createDirectories(run);
        AtomicFiles.writeString(run.resolve("run.json"), runJson("finished", 200));
        Files.writeString(run.resolve("metrics.csv"), "step,kind,lr,loss\n1,train,0.001,1.0\n200,train,0.001,0.5\n");
        byte[] before = Files.readAllBytes(run.resolve("run.json"));
        java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(run.resolve("run.json"));
        AtomicReference<String> shown = new AtomicReference<>("Runs");
        RunsView view = fx(() -> new RunsView(state, List.of(runs), shown::set));
        stage();
        show(view);
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("done-run") && r.status().equals("finished")), 60);
        boolean disabled = fx(() -> {
            view.table().getSelectionModel().select(0);
            return view.lookup("#runs-resume").isDisabled();
        });
        assertTrue(disabled, "Resume disabled for a finished run");
        // even when asked directly (keyboard, a stale selection) it says why and starts nothing
        fx(() -> {
            view.resume(view.table().getItems().getFirst());
            return null;
        });
        assertEquals("run done-run already finished at step 200; nothing to resume", fx(() -> state.errorProperty().get()));
        assertEquals("Runs", shown.get(), "stays on Runs");
        assertEquals(null, fx(() -> state.jobs().trainingProperty().get()), "no training started");
        Thread.sleep(1500);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(run.resolve("run.json"))), "run.json unchanged");
        assertEquals(modified, Files.getLastModifiedTime(run.resolve("run.json")));
    }

    @Test
    void trainOnADatasetFolder() throws Exception {
        state = new WorkbenchState();
        Path data = root.resolve("dataset");
        org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth", "--out",
                data.toString(), "--count", "10", "--size", "64");
        Path runs = root.resolve("runs");
        TrainView train = fx(() -> new TrainView(state, runs));
        stage();
        show(train);
        String name = fx(() -> {
            train.setSetting("steps", 4);
            train.setSetting("evalEvery", 2);
            train.setDataset(data);
            return ((javafx.scene.control.TextField) train.lookup("#run-name")).getText();
        });
        assertTrue(fx(() -> ((javafx.scene.control.Label) train.lookup("#train-data-label")).getText()).endsWith(data.toString()));
        String why = fx(() -> train.lookup("#train-start").isDisabled() ? "Start disabled" : "");
        assertEquals("", why, "4 steps are a valid run from the page (warm-up follows the steps)");
        fx(() -> {
            ((javafx.scene.control.Button) train.lookup("#train-start")).fire();
            return null;
        });
        assertTrue(fx(() -> state.jobs().trainingProperty().get() != null), "started");
        waitFor(() -> state.jobs().trainingProperty().get() == null, 240);
        assertEquals(null, fx(() -> state.errorProperty().get()));
        var json = org.kemwb.util.Json.MAPPER.readTree(runs.resolve(name).resolve("run.json").toFile());
        assertEquals("finished", json.get("status").asText());
        assertEquals(data.toAbsolutePath().toString(), json.get("config").get("dataDir").asText());
        // the eval metrics are offered one per chart, each with its unit
        fx(() -> {
            @SuppressWarnings("unchecked")
            var family = (javafx.scene.control.ComboBox<String>) train.lookup("#train-curves");
            family.setValue("depth_rmse");
            return null;
        });
        assertEquals("depth RMSE (m)", fx(() -> train.chart().chart().getXYPlot().getRangeAxis().getLabel()));
        assertEquals(2, fx(() -> train.chart().lines().getFirst().curve().size()), "evals at steps 2 and 4");
        fx(() -> {
            ((javafx.scene.control.Button) train.lookup("#train-clear")).fire();
            return null;
        });
        assertEquals(0, fx(() -> train.chart().lines().size()), "chart cleared");
    }

    @Test
    void aRunsCheckpointIsFoundInAnyFormatBestFirst() throws Exception {
        Path run = root.resolve("ddp");
        Files.createDirectories(run);
        assertEquals(null, RunsView.checkpointOf(run), "none yet");
        Files.writeString(run.resolve("last.npz"), "x");
        assertEquals(run.resolve("last.npz"), RunsView.checkpointOf(run), "the PyTorch trainer's .npz");
        Files.writeString(run.resolve("best.npz"), "x");
        assertEquals(run.resolve("best.npz"), RunsView.checkpointOf(run));
        Files.writeString(run.resolve("best.params"), "x");
        assertEquals(run.resolve("best.params"), RunsView.checkpointOf(run));
    }
}
