package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Line;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemwb.infer.ErrorMaps;
import org.kemwb.infer.Letterbox;
import org.kemwb.infer.OutputImages;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Inspect draws discrete data as sharp cells and puts the crosshair of "what the model sees" on
 * the model-input pixel that shows the hovered image pixel. The 4x2 NYUD-v2 field case
 * ({@code field-cases/nyud_tiny}) shows its semseg ground truth and error map as 8 flat cells of
 * the label's colours (JavaFX smoothed them into gradients: setSmooth(false) does nothing).
 */
class InspectSharpCellsTest {
    static WorkbenchApp app;
    static Path dir;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kemwb-inspect-sharp");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null);
        Platform.runLater(() -> app.window().show("Inspect"));
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

    static void open(Path image, BooleanSupplier shown) throws Exception {
        Platform.runLater(() -> app.state().openImage(image));
        waitFor(() -> image.equals(app.state().imagePathProperty().get()) && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().width() == app.state().imageProperty().get().getWidth()
                && robot.lookup("#inspect-caption").queryLabeled().getText().startsWith("Shown: " + image.getFileName() + " through")
                && shown.getAsBoolean());
    }

    static Path copyFieldCase() throws Exception {
        Path out = org.kemwb.TestFiles.copyTree(Path.of("src/test/resources/field-cases/nyud_tiny"), dir.resolve("nyud_tiny"));
        return out.resolve("images").resolve("0001.jpg");
    }

    @Test
    void groundTruthAndErrorOfA4x2ImageAreEightFlatCellsOfTheirColours() throws Exception {
        Path image = copyFieldCase();
        // the field case has the 40 NYUD-v2 classes: a model with 40 semseg classes reads its labels
        ModelConfig config = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 2, 1, 1, 2, 4, 2, 1.0, 40, 5, 7L,
                ModelConfig.STEM, 0, false);
        Path checkpoint = dir.resolve("nyud40.params");
        try (LoadedModel model = LoadedModel.create(config, ai.djl.Device.cpu(), 3, null)) {
            Checkpoint.save(model, checkpoint, java.util.Map.of());
        }
        var before = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        Platform.runLater(() -> app.state().openCheckpoint(checkpoint, WorkbenchState.Slot.PRIMARY));
        waitFor(() -> checkpoint.equals(app.state().modelPathProperty(WorkbenchState.Slot.PRIMARY).get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != before
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null);
        open(image, () -> robot.lookup("#truth-semseg").tryQuery().isPresent() && robot.lookup("#error-semseg").tryQuery().isPresent());
        var gt = app.state().groundTruthProperty().get();
        var p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        assertNotNull(gt);
        assertEquals(4, gt.width());
        assertEquals(2, gt.height());
        int semseg = p.tasks().indexOf(Task.SEMSEG);
        BufferedImage truth = OutputImages.renderLabel(Task.SEMSEG, gt, 0, 1);
        float[] err = ErrorMaps.of(Task.SEMSEG, p.outputs().get(semseg), p.channels(semseg), gt);
        BufferedImage error = ErrorMaps.render(Task.SEMSEG, err, 4, 2, ErrorMaps.max(err));
        BufferedImage output = OutputImages.render(Task.SEMSEG, p.outputs().get(semseg), p.channels(semseg), 2, 4);
        List<String> problems = new ArrayList<>();
        for (var panel : List.of(java.util.Map.entry("#truth-semseg", truth), java.util.Map.entry("#error-semseg", error),
                java.util.Map.entry("#output-semseg", output))) {
            ImageView view = robot.lookup(panel.getKey()).queryAs(ImageView.class);
            WritableImage shot = WaitForAsyncUtils.asyncFx(() -> SharpCells.snapshot(view)).get(60, TimeUnit.SECONDS);
            assertTrue(shot.getWidth() >= 4 * 20, panel.getKey() + " is drawn large enough to see cells: " + shot.getWidth());
            SharpCells.unevenCells(shot, 2, 4).forEach(s -> problems.add(panel.getKey() + " " + s));
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 4; c++) {
                    int want = panel.getValue().getRGB(c, r);
                    if ((want >>> 24) == 0xff) { // opaque cells show the data's own colour
                        int got = SharpCells.centre(shot, 2, 4, r, c);
                        if (got != want) {
                            problems.add(panel.getKey() + " cell (" + r + ", " + c + ") is " + Integer.toHexString(got) + ", the label's colour is "
                                    + Integer.toHexString(want));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    /** The crosshair lines of the panel with this id: {vertical, horizontal}. */
    static Line[] crosshair(String panelId) {
        Node panel = robot.lookup(panelId).query();
        List<Line> lines = ((javafx.scene.Parent) panel).lookupAll(".crosshair").stream().map(n -> (Line) n).toList();
        Line v = lines.stream().filter(l -> l.getStartY() == 0 && l.getEndY() > 0).findFirst().orElseThrow();
        Line h = lines.stream().filter(l -> l.getStartX() == 0 && l.getEndX() > 0).findFirst().orElseThrow();
        return new Line[] {v, h};
    }

    /**
     * Hovering image pixel (131, 41) of a 600x400 photo (letterboxed with bars above and below)
     * and of a 300x400 portrait (bars left and right) puts the model-input crosshair on the
     * model-input pixel Letterbox maps it to, inside the image band; hovering the model input's
     * padding shows no crosshair, hovering its content reads the image pixel under it.
     */
    @Test
    void theModelInputCrosshairSitsOnTheLetterboxedPixel() throws Exception {
        for (int[] size : new int[][] {{600, 400}, {300, 400}}) {
            Path photo = dir.resolve("photo-" + size[0] + "x" + size[1] + ".png");
            BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    img.setRGB(x, y, (x % 256) << 16 | (y % 256) << 8 | 77);
                }
            }
            javax.imageio.ImageIO.write(img, "png", photo.toFile());
            open(photo, () -> robot.lookup("#inspect-seen").tryQuery().isPresent());
            InspectView view = (InspectView) app.window().page("Inspect");
            Letterbox lb = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().letterbox();
            assertTrue(lb.contentHeight() < lb.modelHeight() || lb.contentWidth() < lb.modelWidth(), "the photo is letterboxed: " + lb);
            double ix = 131.5;
            double iy = 41.5;
            Platform.runLater(() -> view.hover(ix / size[0], iy / size[1]));
            WaitForAsyncUtils.waitForFxEvents();
            Line[] cross = crosshair("#inspect-model-input");
            Pane pane = (Pane) cross[0].getParent();
            double mx = cross[0].getStartX() / pane.getWidth() * lb.modelWidth();
            double my = cross[1].getStartY() / pane.getHeight() * lb.modelHeight();
            String where = size[0] + "x" + size[1] + ": crosshair at model (" + mx + ", " + my + ")";
            assertEquals(lb.toModelX(ix), mx, 0.02 * lb.modelWidth(), where);
            assertEquals(lb.toModelY(iy), my, 0.02 * lb.modelHeight(), where);
            assertTrue(mx >= lb.left() && mx <= lb.left() + lb.contentWidth() && my >= lb.top() && my <= lb.top() + lb.contentHeight(),
                    where + " lies inside the image band of " + lb);
            // the photo panels keep the image frame
            Line[] photoCross = crosshair("#task-grid");
            assertEquals(ix / size[0], photoCross[0].getStartX() / ((Pane) photoCross[0].getParent()).getWidth(), 0.01);
            // hovering the model input: the padding is no image pixel, the content is
            double side = pane.getWidth();
            javafx.scene.input.MouseEvent padding = move(pane, lb.top() > 0 ? side / 2 : 0.5 * lb.left() * pane.getWidth() / lb.modelWidth(),
                    lb.top() > 0 ? 0.5 * lb.top() * pane.getHeight() / lb.modelHeight() : pane.getHeight() / 2);
            Platform.runLater(() -> javafx.event.Event.fireEvent(pane, padding));
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(cross[0].isVisible(), size[0] + "x" + size[1] + ": no crosshair over the padding");
            double cx = lb.toModelX(ix) * pane.getWidth() / lb.modelWidth();
            double cy = lb.toModelY(iy) * pane.getHeight() / lb.modelHeight();
            javafx.scene.input.MouseEvent content = move(pane, cx, cy);
            Platform.runLater(() -> javafx.event.Event.fireEvent(pane, content));
            WaitForAsyncUtils.waitForFxEvents();
            String pixel = robot.lookup("#inspect-pixel").queryLabeled().getText();
            int[] xy = java.util.Arrays.stream(pixel.replaceAll("^pixel \\((\\d+), (\\d+)\\).*$", "$1 $2").split(" ")).mapToInt(Integer::parseInt)
                    .toArray();
            double tolerance = 1.5 * size[0] / lb.contentWidth(); // one model pixel, in image pixels
            assertEquals(ix, xy[0], tolerance, size[0] + "x" + size[1] + ": hovering the model input reads " + pixel);
            assertEquals(iy, xy[1], tolerance, size[0] + "x" + size[1] + ": hovering the model input reads " + pixel);
            Platform.runLater(() -> view.hover(-1, -1));
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    static javafx.scene.input.MouseEvent move(Node target, double x, double y) {
        var scene = target.localToScene(x, y); // this constructor takes scene coordinates
        return new javafx.scene.input.MouseEvent(javafx.scene.input.MouseEvent.MOUSE_MOVED, scene.getX(), scene.getY(), scene.getX(), scene.getY(),
                javafx.scene.input.MouseButton.NONE, 0, false, false, false, false, false, false, false, false, false, false, null);
    }
}
