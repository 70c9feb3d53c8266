package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.layout.GridPane;
import javafx.scene.shape.Line;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Inspect: output | ground truth | error rows, crosshair and hover values, what the model sees and the training-data warning. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InspectRowsTest {
    static WorkbenchApp app;
    static Path dir;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kemwb-inspect");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null, 90);
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    /** Waits for a condition; {@code seconds} is only a hint: a busy machine gets the hang limit of 600 s. */
    static void waitFor(BooleanSupplier condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(Math.max(seconds, 600), TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static void open(Path image) throws Exception {
        Platform.runLater(() -> app.state().openImage(image));
        waitFor(() -> image.equals(app.state().imagePathProperty().get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null, 60);
        // the page redraws for the new prediction on a later pulse ("running ... on it…" until then)
        waitFor(() -> text("#inspect-caption").startsWith("Shown: " + image.getFileName() + " through"), 600);
    }

    static String text(String id) {
        return robot.lookup(id).queryLabeled().getText();
    }

    @Test
    @Order(1)
    void datasetImagesGetOneRowPerTaskWithGroundTruthAndErrorMap() throws Exception {
        Path data = dir.resolve("dataset");
        org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth", "--out",
                data.toString(), "--count", "2", "--size", "96");
        Platform.runLater(() -> app.window().show("Inspect"));
        open(data.resolve("images").resolve("000001.png"));
        waitFor(() -> app.state().groundTruthProperty().get() != null && robot.lookup("#error-depth").tryQuery().isPresent(), 60);
        for (String task : List.of("semseg", "depth", "normals")) {
            int row = GridPane.getRowIndex(panelOf("#output-" + task));
            assertEquals(row, GridPane.getRowIndex(panelOf("#truth-" + task)), task);
            assertEquals(row, GridPane.getRowIndex(panelOf("#error-" + task)), task);
            assertEquals(List.of(0, 1, 2), List.of(GridPane.getColumnIndex(panelOf("#output-" + task)),
                    GridPane.getColumnIndex(panelOf("#truth-" + task)), GridPane.getColumnIndex(panelOf("#error-" + task))));
        }
        // the error panels carry their scales with units
        List<String> labels = robot.lookup("#task-grid .label").queryAll().stream().map(n -> ((javafx.scene.control.Label) n).getText()).toList();
        assertTrue(labels.stream().anyMatch(t -> t.matches("0\\.00 m")), "depth error scale starts at 0 m: " + labels);
        assertTrue(labels.stream().anyMatch(t -> t.endsWith(" °") && !t.startsWith("0.00")), "angular error scale in degrees");
        assertTrue(labels.stream().anyMatch(t -> t.endsWith("% of labelled pixels wrong")), "semseg wrong-pixel share");
        assertEquals("", text("#inspect-warning"), "a synthetic-scene model on a synthetic scene: no warning");
    }

    static Node panelOf(String id) {
        Node n = robot.lookup(id).query();
        while (!(n.getParent() instanceof GridPane)) {
            n = n.getParent();
        }
        return n;
    }

    @Test
    @Order(2)
    void hoverPutsACrosshairInEveryPanelAndShowsPixelAndValues() throws Exception {
        InspectView view = (InspectView) app.window().page("Inspect");
        Platform.runLater(() -> view.hover(0.25, 0.75));
        WaitForAsyncUtils.waitForFxEvents();
        var img = app.state().imageProperty().get();
        int x = (int) (0.25 * img.getWidth());
        int y = (int) (0.75 * img.getHeight());
        int rgb = img.getRGB(x, y);
        assertEquals(String.format(Locale.ROOT, "pixel (%d, %d)  RGB (%d, %d, %d)", x, y, (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff),
                text("#inspect-pixel"));
        var lines = robot.lookup("#task-grid .crosshair").queryAll();
        assertEquals(2 * (2 + 3 * 3), lines.size(), "two lines in the image, model-input and nine task panels");
        for (Node n : lines) {
            Line l = (Line) n;
            assertTrue(l.isVisible());
        }
        Line vertical = (Line) lines.stream().filter(n -> ((Line) n).getStartY() == 0 && ((Line) n).getEndY() > 0).findFirst().orElseThrow();
        double w = ((javafx.scene.layout.Pane) vertical.getParent()).getWidth();
        assertEquals(0.25 * w, vertical.getStartX(), 0.5, "the crosshair sits on the hovered point");
        List<String> values = robot.lookup("#task-grid .label").queryAll().stream().map(n -> ((javafx.scene.control.Label) n).getText()).toList();
        var p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        int s = p.width(); // the sample scene is square
        int px = (int) (0.25 * s);
        int py = (int) (0.75 * s);
        var gt = app.state().groundTruthProperty().get();
        String depthTruth = InspectView.truthAt(org.kemwb.model.Task.DEPTH, gt, new String[0], px, py);
        assertTrue(values.contains(depthTruth), "ground-truth value " + depthTruth + " in " + values);
        assertTrue(values.contains(InspectView.valueAt(p, 1, px, py)), "output value");
        assertTrue(values.stream().anyMatch(v -> v.startsWith("|error| ") && v.endsWith(" m")), "depth error value in metres");
        assertTrue(values.stream().anyMatch(v -> v.startsWith("angle ") && v.endsWith("°")), "normals error in degrees");
        Platform.runLater(() -> view.hover(-1, -1));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(((Line) lines.iterator().next()).isVisible(), "no crosshair once the mouse left");
    }

    @Test
    @Order(3)
    void anImageOfUnknownSourceUnderASyntheticSceneModelIsFlaggedAndTheModelInputIsShown() throws Exception {
        Path photo = dir.resolve("photo").resolve("holiday.png");
        Files.createDirectories(photo.getParent());
        Files.copy(Path.of("samples", "images", "scene-2.png"), photo);
        open(photo);
        String warning = text("#inspect-warning");
        assertTrue(warning.contains("trained on synthetic scenes") && warning.contains("unknown source"), warning);
        assertTrue(robot.lookup("#inspect-warning").query().isVisible());
        var seen = robot.lookup("#inspect-seen").queryAs(javafx.scene.image.ImageView.class).getImage();
        int s = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().letterbox().modelWidth();
        assertEquals(s, (int) seen.getWidth(), "what the model sees is at the model's size");
        open(Path.of("samples", "images", "scene-2.png"));
        assertEquals("", text("#inspect-warning"), "the bundled scenes are marked as synthetic scenes");
        assertTrue(text("#inspect-caption").contains("trained on synthetic scenes"), text("#inspect-caption"));
    }

    @Test
    @Order(4)
    void exportWritesOneFigureAsPngAndSvgAndTheRawOutputsNamedAfterTheImage() throws Exception {
        Path data = dir.resolve("dataset");
        Path image = data.resolve("images").resolve("000001.png");
        open(image);
        waitFor(() -> app.state().groundTruthProperty().get() != null, 30);
        InspectView view = (InspectView) app.window().page("Inspect");
        var p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        Path out = Files.createDirectories(dir.resolve("export"));
        var png = WaitForAsyncUtils.asyncFx(() -> view.exportFigureTo(p, out.resolve("000001-figure.png"))).get();
        var svg = WaitForAsyncUtils.asyncFx(() -> view.exportFigureTo(p, out.resolve("000001-figure.svg"))).get();
        var raw = WaitForAsyncUtils.asyncFx(() -> view.exportTo(p, out)).get();
        waitFor(() -> png.isDone() && svg.isDone() && raw.isDone(), 60);
        var figure = new org.kemwb.infer.Figure("x", app.state().imageProperty().get(), p, app.state().groundTruthProperty().get());
        var read = javax.imageio.ImageIO.read(out.resolve("000001-figure.png").toFile());
        assertEquals(figure.width(), read.getWidth());
        assertEquals(figure.height(), read.getHeight());
        assertEquals(2 * 16 + 3 * 256 + 2 * 16, figure.width(), "output, ground truth and error side by side");
        String text = Files.readString(out.resolve("000001-figure.svg"));
        assertTrue(text.startsWith("<?xml") || text.startsWith("<svg"), text.substring(0, 40));
        for (String legend : List.of("floor", "wall", " m", "°", "depth error", "semseg (ground truth)", "% of labelled pixels wrong")) {
            assertTrue(text.contains(legend), "the SVG has the legend text " + legend);
        }
        for (int t = 0; t < p.tasks().size(); t++) {
            Path npy = out.resolve("000001-" + p.tasks().get(t).id() + ".npy");
            var arr = org.kemwb.io.Npy.read(npy);
            assertEquals(List.of((long) p.channels(t), (long) p.height(), (long) p.width()),
                    java.util.Arrays.stream(arr.shape()).boxed().toList());
            assertTrue(java.util.Arrays.equals(p.outputs().get(t), arr.data()), "raw values written as they are");
            assertTrue(Files.exists(out.resolve("000001-" + p.tasks().get(t).id() + ".png")));
        }
        Folders.remember(out.resolve("000001-figure.png").toFile());
        assertEquals(out.toFile().getAbsoluteFile(), Folders.initial().getAbsoluteFile(), "dialogs open in the last folder used");
    }

    /** Issue 3: "what the model sees" keeps the model input's shape for a non-square photo (padding bars visible). */
    @Test
    @Order(5)
    void theModelInputPanelKeepsTheModelInputsShapeForANonSquarePhoto() throws Exception {
        Path photo = dir.resolve("wide").resolve("wide-640x427.png");
        Files.createDirectories(photo.getParent());
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(640, 427, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                photo.toFile());
        open(photo);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().width() == 640, 60);
        WaitForAsyncUtils.waitForFxEvents();
        var lb = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().letterbox();
        var seen = robot.lookup("#inspect-seen").queryAs(javafx.scene.image.ImageView.class);
        var b = seen.getBoundsInParent();
        assertEquals((double) lb.modelWidth() / lb.modelHeight(), b.getWidth() / b.getHeight(), 0.03,
                "model input " + lb.modelWidth() + "x" + lb.modelHeight() + " drawn as " + b);
    }
}
