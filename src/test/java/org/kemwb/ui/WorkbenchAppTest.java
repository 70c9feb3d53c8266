package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelReader;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.UiThreadGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The main flows of every page, headless (Monocle), on the bundled samples. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkbenchAppTest {
    static Path runs;
    static WorkbenchApp app;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        runs = Files.createTempDirectory("kemwb-ui-runs");
        // a fixture run for the Runs page
        TrainingRun.create(runs.resolve("fixture-run"), TrainConfig.defaults());
        System.setProperty("kemwb.runs", runs.toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null, HANG_LIMIT_S);
        // the app registered the JavaFX thread with the guard: a check there is recorded
        WaitForAsyncUtils.asyncFx(() -> UiThreadGuard.check("probe")).get();
        assertEquals(1, UiThreadGuard.violations().stream().filter(v -> v.startsWith("probe")).count(),
                UiThreadGuard.violations().toString());
        assertEquals(List.of(), UiThreadGuard.violations().stream().filter(v -> !v.startsWith("probe")).toList(),
                "engine or file work on the JavaFX thread while starting");
        UiThreadGuard.clear();
    }

    /**
     * The JavaFX thread never ran inference, training, model build/load, image reads or
     * run-folder writes during the test (the engine's entry points record such calls).
     */
    @AfterEach
    void noHeavyWorkOnTheFxThread() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        List<String> violations = UiThreadGuard.violations();
        UiThreadGuard.clear();
        assertEquals(List.of(), violations, "heavy work on the JavaFX thread");
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    /**
     * Upper bound of every wait: a hang limit, not a speed requirement (a busy 2-core machine
     * can take minutes where an idle one takes seconds).
     */
    static final int HANG_LIMIT_S = 600;

    static void waitFor(BooleanSupplier condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static boolean nonBlank(Image img) {
        PixelReader r = img.getPixelReader();
        int first = r.getArgb(0, 0);
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                if (r.getArgb(x, y) != first) {
                    return true;
                }
            }
        }
        return false;
    }

    static int[] pixels(Image img) {
        PixelReader r = img.getPixelReader();
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.getArgb(i % w, i / w);
        }
        return out;
    }

    @Test
    @Order(1)
    void inspectShowsEveryTaskOfTheSampleModel() {
        robot.clickOn("#nav-inspect");
        var prediction = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        for (var task : prediction.tasks()) {
            ImageView view = robot.lookup("#output-" + task.id()).queryAs(ImageView.class);
            assertNotNull(view.getImage(), task.id());
            assertTrue(nonBlank(view.getImage()), task.id() + " panel is blank");
        }
    }

    @Test
    @Order(2)
    void clickingASpotChangesTheHeatmaps() throws Exception {
        Path kem = Path.of("samples", "checkpoints", "kem.params");
        app.state().openCheckpoint(kem, WorkbenchState.Slot.COMPARISON);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null, HANG_LIMIT_S);
        robot.clickOn("#nav-attention");
        Node image = robot.lookup("#attention-image").query();
        robot.clickOn(robot.point(image).atPosition(javafx.geometry.Pos.TOP_LEFT).atOffset(new javafx.geometry.Point2D(10, 10)));
        WaitForAsyncUtils.waitForFxEvents();
        int[] before = pixels(robot.lookup("#heat-kem-semseg").queryAs(ImageView.class).getImage());
        robot.clickOn(robot.point(image).atPosition(javafx.geometry.Pos.BOTTOM_RIGHT).atOffset(new javafx.geometry.Point2D(-10, -10)));
        WaitForAsyncUtils.waitForFxEvents();
        int[] after = pixels(robot.lookup("#heat-kem-semseg").queryAs(ImageView.class).getImage());
        assertFalse(java.util.Arrays.equals(before, after), "the heatmap follows the clicked token");
    }

    @Test
    @Order(3)
    void trainingDrawsPointsAndCancelLeavesTheRunIntact() throws Exception {
        robot.clickOn("#nav-train");
        TrainView view = (TrainView) app.window().page("Train");
        Platform.runLater(() -> view.setSetting("steps", 0));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#train-start").query().isDisabled(), "an invalid setting disables Start");
        Platform.runLater(() -> view.setSetting("steps", 400));
        WaitForAsyncUtils.waitForFxEvents();
        String name = robot.lookup("#run-name").queryTextInputControl().getText();
        robot.clickOn("#train-start");
        waitFor(() -> view.pointCount() >= 6, HANG_LIMIT_S);
        assertTrue(robot.lookup("#train-start").query().isDisabled(), "no second run beside the running one");
        robot.clickOn("#train-cancel");
        waitFor(() -> view.running() == null, HANG_LIMIT_S);
        Path dir = runs.resolve(name);
        var json = org.kemwb.util.Json.MAPPER.readTree(dir.resolve("run.json").toFile());
        assertEquals("cancelled", json.get("status").asText());
        List<String> rows = new ArrayList<>();
        TrainingRun.readMetrics(dir).forEach(r -> rows.add(r.get("step") + "/" + r.get("kind")));
        assertFalse(rows.isEmpty(), "metrics.csv has the logged rows");
        assertEquals(rows.size(), rows.stream().distinct().count(), "no duplicated rows");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")), "nothing half-written");
        }
    }

    @Test
    @Order(4)
    void runsTableListsTheFixtureRun() throws Exception {
        robot.clickOn("#nav-runs");
        RunsView view = (RunsView) app.window().page("Runs");
        Platform.runLater(view::refresh);
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("fixture-run")), HANG_LIMIT_S);
        var row = view.table().getItems().stream().filter(r -> r.name().equals("fixture-run")).findFirst().orElseThrow();
        assertEquals("kem", row.interaction());
        assertEquals("created", row.status());
        // overlay the curves of two sample runs
        Platform.runLater(() -> {
            var items = view.table().getItems();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).name().equals("kem") || items.get(i).name().equals("ca")) {
                    view.table().getSelectionModel().select(i);
                }
            }
        });
        waitFor(() -> view.curveCount() == 2, HANG_LIMIT_S);
        waitFor(() -> view.table().getItems().stream().anyMatch(r -> r.name().equals("kem") && !r.deltaM().isEmpty()), HANG_LIMIT_S);
        var kem = view.table().getItems().stream().filter(r -> r.name().equals("kem")).findFirst().orElseThrow();
        assertEquals("+2.38", kem.deltaM(), "Δm of the KEM sample against the single-task samples (README, Samples)");
    }

    @Test
    @Order(5)
    void whatIfProbingShowsWhereEachOutputChanged() throws Exception {
        robot.clickOn("#nav-attention");
        AttentionView view = (AttentionView) app.window().page("Attention");
        Platform.runLater(() -> {
            view.whatIf().select(0.25, 0.25, 0.6, 0.6);
            view.whatIf().apply();
        });
        waitFor(() -> robot.lookup("#whatif-kem-semseg").tryQuery().isPresent(), HANG_LIMIT_S);
        boolean anyChange = false;
        for (String task : List.of("semseg", "depth", "normals")) {
            Image heat = robot.lookup("#whatif-kem-" + task).queryAs(ImageView.class).getImage();
            anyChange |= nonBlank(heat);
        }
        assertTrue(anyChange, "noise in a region changes some task output");
    }

    @Test
    @Order(5)
    void imbalancePageShowsTheBundledTableWithErrorBarsAndCurves() throws Exception {
        robot.clickOn("#nav-imbalance");
        ImbalanceView view = robot.lookup("#imbalance-table").query().getParent() instanceof ImbalanceView v ? v : null;
        assertNotNull(view);
        waitFor(() -> view.shown() != null, HANG_LIMIT_S);
        assertEquals(4, view.shown().cells().size(), "kem and skem x balanced and long-tailed");
        javafx.scene.layout.GridPane table = robot.lookup("#imbalance-table").query();
        List<String> texts = table.getChildren().stream().filter(n -> n instanceof javafx.scene.control.Label)
                .map(n -> ((javafx.scene.control.Label) n).getText()).toList();
        assertTrue(texts.contains("kem") && texts.contains("skem"), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.matches("\\d+\\.\\d ± \\d+\\.\\d %")), texts.toString());
        org.jfree.chart.fx.ChartViewer curves = robot.lookup("#imbalance-curves").query();
        assertEquals(4, curves.getChart().getXYPlot().getDataset().getSeriesCount());
        org.jfree.chart.fx.ChartViewer bars = robot.lookup("#imbalance-bars").query();
        var data = (org.jfree.data.statistics.StatisticalCategoryDataset) bars.getChart().getCategoryPlot().getDataset();
        assertEquals(2, data.getRowCount());
        assertEquals(2, data.getColumnCount());
        assertTrue(data.getStdDevValue(0, 0).doubleValue() >= 0);
    }

    @Test
    @Order(6)
    void badImageShowsAOneLineMessageAndTheAppStaysUsable() throws Exception {
        Path text = Files.writeString(runs.resolve("notes.png"), "not an image");
        Platform.runLater(() -> app.state().openImage(text));
        waitFor(() -> app.state().errorProperty().get() != null, HANG_LIMIT_S);
        String error = app.state().errorProperty().get();
        assertTrue(error.contains("notes.png") && error.contains("not a PNG"), error);
        assertFalse(error.contains("\n") || error.contains("at org."), "no stack trace: " + error);
        Platform.runLater(() -> app.state().openImage(Path.of("samples", "images", "scene-1.png")));
        waitFor(() -> app.state().errorProperty().get() == null
                && Path.of("samples", "images", "scene-1.png").equals(app.state().imagePathProperty().get()), HANG_LIMIT_S);
    }

    @Test
    @Order(7)
    void closingTheAppWhileTrainingCancelsTheRunCleanly() throws Exception {
        robot.clickOn("#nav-train");
        TrainView view = (TrainView) app.window().page("Train");
        String name = robot.lookup("#run-name").queryTextInputControl().getText();
        robot.clickOn("#train-start");
        waitFor(() -> view.pointCount() >= 2, HANG_LIMIT_S);
        FxToolkit.cleanupApplication(app); // calls stop(): jobs cancelled, models closed
        var json = org.kemwb.util.Json.MAPPER.readTree(runs.resolve(name).resolve("run.json").toFile());
        assertEquals("cancelled", json.get("status").asText());
        try (var files = Files.list(runs.resolve(name))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")), "nothing half-written");
        }
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class); // for @AfterAll
    }

    @Test
    @Order(8)
    void datasetImagesShowGroundTruthAndPerImageMetrics() throws Exception {
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null, HANG_LIMIT_S);
        Path data = runs.resolve("dataset");
        org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth", "--out",
                data.toString(), "--count", "2", "--size", "96");
        Path image = data.resolve("images").resolve("000001.png");
        Platform.runLater(() -> app.state().openImage(image));
        robot.clickOn("#nav-inspect");
        waitFor(() -> app.state().groundTruthProperty().get() != null && robot.lookup("#metric-semseg").tryQuery().isPresent(), HANG_LIMIT_S);
        assertTrue(nonBlank(robot.lookup("#truth-depth").queryAs(ImageView.class).getImage()));
        String metric = robot.lookup("#metric-semseg").queryLabeled().getText();
        assertTrue(metric.startsWith("mIoU "), metric);
        assertTrue(app.state().openedImages().contains(image), "the image strip lists the opened image");
    }

    @Test
    @Order(9)
    void engineJobsLeaveTheUiACore() throws Exception {
        javafx.concurrent.Task<Integer> probe = new javafx.concurrent.Task<>() {
            @Override
            protected Integer call() {
                return ai.djl.pytorch.jni.JniUtils.getNumThreads();
            }
        };
        app.state().jobs().onEngine(probe);
        waitFor(probe::isDone, HANG_LIMIT_S);
        assertEquals(org.kemwb.model.EngineSetup.uiJobThreads(Runtime.getRuntime().availableProcessors(),
                System.getenv("KEMWB_THREADS")), probe.get());
    }
}
