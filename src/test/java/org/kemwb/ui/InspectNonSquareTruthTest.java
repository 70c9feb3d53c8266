package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemwb.infer.ErrorMaps;
import org.kemwb.model.Task;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A 640x480 dataset image in the NYUD-v2 layout (written by {@code kemwb data synth --layout
 * nyud}; only its depth and normals labels kept, which a 6-class sample model can use): Inspect
 * shows its ground truth and error maps at 640x480, and the hover values of the ground truth are
 * the label file's own pixels, read here straight from the 16-bit depth PNG.
 */
class InspectNonSquareTruthTest {
    static WorkbenchApp app;
    static Path dir;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kemwb-inspect-nonsquare");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    /** Hang limit only. */
    static void waitFor(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static List<String> labels() {
        return robot.lookup("#task-grid .label").queryAll().stream().map(n -> ((javafx.scene.control.Label) n).getText()).toList();
    }

    @Test
    void groundTruthAndErrorsOfA640x480ImageAreShownAtItsOwnSizeAndHoverReadsItsPixels() throws Exception {
        Path data = dir.resolve("nyud");
        assertEquals(0, org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth",
                "--layout", "nyud", "--out", data.toString(), "--count", "1", "--seed", "4"));
        try (var files = Files.walk(data.resolve("segmentation"))) { // 40 NYUD classes do not fit the 6-class sample model
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        Path image;
        try (var files = Files.list(data.resolve("images"))) {
            image = files.findFirst().orElseThrow();
        }
        String id = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Platform.runLater(() -> app.window().show("Inspect"));
        Platform.runLater(() -> app.state().openImage(image));
        waitFor(() -> image.equals(app.state().imagePathProperty().get()) && app.state().groundTruthProperty().get() != null
                && robot.lookup("#error-depth").tryQuery().isPresent());
        var gt = app.state().groundTruthProperty().get();
        assertEquals(640, gt.width());
        assertEquals(480, gt.height());
        for (String panel : List.of("#truth-depth", "#error-depth", "#truth-normals", "#error-normals", "#output-depth")) {
            Image shown = robot.lookup(panel).queryAs(ImageView.class).getImage();
            assertEquals(640, (int) shown.getWidth(), panel);
            assertEquals(480, (int) shown.getHeight(), panel);
        }
        BufferedImage depthPng = ImageIO.read(data.resolve("depth").resolve(id + ".png").toFile());
        InspectView view = (InspectView) app.window().page("Inspect");
        var p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        int depth = p.tasks().indexOf(Task.DEPTH);
        float[] err = ErrorMaps.of(Task.DEPTH, p.outputs().get(depth), 1, gt);
        // points off the diagonal: a transposed or squeezed map reads other pixels
        for (double[] at : new double[][] {{0.9, 0.1}, {0.25, 0.75}, {0.6, 0.45}}) {
            Platform.runLater(() -> view.hover(at[0], at[1]));
            WaitForAsyncUtils.waitForFxEvents();
            int x = (int) (at[0] * 640);
            int y = (int) (at[1] * 480);
            int mm = depthPng.getRaster().getSample(x, y, 0);
            String truth = mm == 0 ? "no label" : String.format(Locale.ROOT, "%.2f m", mm / 1000f);
            List<String> values = labels();
            assertTrue(values.contains(truth), "ground truth at (" + x + ", " + y + ") = " + truth + " in " + values);
            float e = mm == 0 ? Float.NaN : Math.abs(p.outputs().get(depth)[y * 640 + x] - mm / 1000f);
            assertEquals(e, err[y * 640 + x], 1e-6f, "error at " + x + "," + y);
            assertTrue(values.contains(InspectView.errorText(Task.DEPTH, e)), "error value " + InspectView.errorText(Task.DEPTH, e)
                    + " in " + values);
        }
        Platform.runLater(() -> view.hover(-1, -1));
        WaitForAsyncUtils.waitForFxEvents();
    }
}
