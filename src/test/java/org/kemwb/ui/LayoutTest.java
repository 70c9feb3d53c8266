package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.image.ImageView;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Every page at 1024x700 (a small laptop, a projector): nothing is cut, nothing lies outside the window. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LayoutTest {
    static WorkbenchApp app;
    static Stage stage;
    static final FxRobot robot = new FxRobot();
    static final List<String> PAGES = List.of("Inspect", "Attention", "Toy noise", "Imbalance", "Train", "Runs");

    @BeforeAll
    static void start() throws Exception {
        Path runs = Files.createTempDirectory("kemwb-layout-runs");
        System.setProperty("kemwb.runs", runs.toString());
        System.setProperty("kemwb.samples", "samples");
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null, 90);
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

    static void resize(double w, double h) {
        Platform.runLater(() -> {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(w);
            stage.setHeight(h);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    static List<String> problemsOn(String page) throws Exception {
        Platform.runLater(() -> app.window().show(page));
        WaitForAsyncUtils.waitForFxEvents();
        if (page.equals("Runs")) {
            RunsView runs = (RunsView) app.window().page("Runs");
            waitFor(() -> !runs.table().getItems().isEmpty(), 30);
        }
        WaitForAsyncUtils.waitForFxEvents();
        List<String> out = new ArrayList<>();
        WaitForAsyncUtils.asyncFx(() -> out.addAll(LayoutCheck.problems(stage.getScene()))).get(20, TimeUnit.SECONDS);
        return out.stream().map(p -> page + ": " + p).toList();
    }

    @Test
    @Order(1)
    void theWindowFitsTheScreen() {
        Rectangle2D usable = Screen.getPrimary().getVisualBounds();
        assertTrue(stage.getWidth() <= usable.getWidth() + 0.5 && stage.getHeight() <= usable.getHeight() + 0.5,
                "window " + stage.getWidth() + "x" + stage.getHeight() + " on a " + usable.getWidth() + "x" + usable.getHeight() + " screen");
        assertTrue(stage.getX() >= usable.getMinX() && stage.getY() >= usable.getMinY()
                && stage.getX() + stage.getWidth() <= usable.getMaxX() + 0.5
                && stage.getY() + stage.getHeight() <= usable.getMaxY() + 0.5, "window lies on the screen");
    }

    @Test
    @Order(2)
    void nothingIsCutOnAnyPageAt1024x700() throws Exception {
        resize(1024, 700);
        List<String> problems = new ArrayList<>();
        for (String page : PAGES) {
            problems.addAll(problemsOn(page));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        // the Runs table shows its Δm column without scrolling sideways
        problemsOn("Runs");
        RunsView runs = (RunsView) app.window().page("Runs");
        String where = WaitForAsyncUtils.asyncFx(() -> {
            double x = 0;
            for (var c : runs.table().getColumns()) {
                if (c.getText().startsWith("Δm")) {
                    return x + c.getWidth() <= runs.table().getWidth() ? "" : "Δm ends at " + (x + c.getWidth()) + " px of " + runs.table().getWidth();
                }
                x += c.getWidth();
            }
            return "no Δm column";
        }).get(20, TimeUnit.SECONDS);
        assertEquals("", where);
    }

    @Test
    @Order(3)
    void panelsGrowWithTheWindowAndKeepTheImageAspect() throws Exception {
        Platform.runLater(() -> app.window().show("Inspect"));
        resize(1024, 700);
        double small = robot.lookup("#output-depth").queryAs(ImageView.class).getBoundsInParent().getWidth();
        resize(1600, 1000);
        WaitForAsyncUtils.waitForFxEvents();
        ImageView depth = robot.lookup("#output-depth").queryAs(ImageView.class);
        double large = depth.getBoundsInParent().getWidth();
        assertTrue(large > small * 1.4, "panel " + small + " px at 1024 wide, " + large + " px at 1600 wide");
        var img = app.state().imageProperty().get();
        double aspect = (double) img.getWidth() / img.getHeight();
        var b = depth.getBoundsInParent();
        assertEquals(aspect, b.getWidth() / b.getHeight(), 0.02, "the panel keeps the image's aspect");
        List<String> problems = new ArrayList<>();
        for (String page : PAGES) {
            problems.addAll(problemsOn(page));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        resize(1024, 700);
    }

    @Test
    @Order(4)
    void aWideImageGetsWidePanels() throws Exception {
        Path wide = Files.createTempDirectory("kemwb-wide").resolve("wide_scene.png");
        var img = new java.awt.image.BufferedImage(150, 100, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 150; x++) {
                img.setRGB(x, y, (x * 255 / 150) << 16 | (y * 255 / 100) << 8);
            }
        }
        javax.imageio.ImageIO.write(img, "png", wide.toFile());
        Platform.runLater(() -> app.window().show("Inspect"));
        var before = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        Platform.runLater(() -> app.state().openImage(wide));
        waitFor(() -> wide.equals(app.state().imagePathProperty().get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != before, 60);
        for (String id : List.of("#inspect-image", "#output-semseg", "#output-depth")) {
            var b = robot.lookup(id).queryAs(ImageView.class).getBoundsInParent();
            assertEquals(1.5, b.getWidth() / b.getHeight(), 0.02, id + " keeps the 3:2 aspect of the image");
        }
        List<String> problems = problemsOn("Inspect");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    /**
     * At 1024x768 Inspect fits the window as soon as it shows an image, first display and after
     * switching images, with no mouse move in between (it was cut at x ~1004 with a horizontal
     * scroll bar until the mouse moved over the panels).
     */
    @Test
    @Order(5)
    void inspectFitsAt1024x768RightAfterSwitchingImages() throws Exception {
        resize(1024, 768);
        Path photos = Files.createTempDirectory("kemwb-switch");
        List<Path> images = new ArrayList<>();
        for (int[] size : new int[][] {{600, 400}, {451, 300}, {300, 400}}) {
            Path f = photos.resolve("photo-" + size[0] + "x" + size[1] + ".png");
            var img = new java.awt.image.BufferedImage(size[0], size[1], java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    img.setRGB(x, y, (x * 255 / size[0]) << 16 | (y * 255 / size[1]) << 8 | 90);
                }
            }
            javax.imageio.ImageIO.write(img, "png", f.toFile());
            images.add(f);
        }
        images.add(Path.of("samples", "images", "scene-0.png"));
        Platform.runLater(() -> app.window().show("Inspect"));
        List<String> problems = new ArrayList<>();
        for (Path image : images) {
            var before = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
            Platform.runLater(() -> app.state().openImage(image));
            waitFor(() -> image.equals(app.state().imagePathProperty().get())
                    && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                    && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != before
                    && robot.lookup("#inspect-caption").queryLabeled().getText().startsWith("Shown: " + image.getFileName() + " through"), 60);
            // a few pulses for layout, no mouse event
            for (int i = 0; i < 3; i++) {
                WaitForAsyncUtils.sleep(100, TimeUnit.MILLISECONDS);
                WaitForAsyncUtils.waitForFxEvents();
            }
            WaitForAsyncUtils.asyncFx(() -> LayoutCheck.problemsAsShown(stage.getScene())).get(20, TimeUnit.SECONDS)
                    .forEach(p -> problems.add(image.getFileName() + ": " + p));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        resize(1024, 700);
    }

    @Test
    @Order(6)
    void attentionRowsCarryTheirScaleAndTheSlotDiagnosticsCountDistinctTokens() throws Exception {
        // wait for the prediction of this image, not the previous one (the path changes a moment before it is cleared)
        var before = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        Platform.runLater(() -> app.state().openImage(Path.of("samples", "images", "scene-0.png")));
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != before
                && Path.of("samples", "images", "scene-0.png").equals(app.state().imagePathProperty().get()), 60);
        AttentionView view = (AttentionView) WaitForAsyncUtils.asyncFx(() -> app.window().page("Attention")).get();
        Platform.runLater(() -> {
            app.window().show("Attention");
            view.select(0.99, 0.01);
        });
        WaitForAsyncUtils.waitForFxEvents();
        var p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        int side = p.config().gridSide();
        int k = p.tasks().size();
        int l = p.config().tokens();
        // independent: the target token's row of the K*L x K*L matrix, largest entry
        int row = 0 * l + 0 * side + (side - 1);
        float max = 0;
        for (int j = 0; j < k * l; j++) {
            max = Math.max(max, p.tokenAttention()[row * k * l + j]);
        }
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f %%", 100 * max), robot.lookup("#scale-max-kem").queryLabeled().getText());
        java.util.Set<Integer> read = new java.util.HashSet<>();
        for (int n = 0; n < p.config().slots(); n++) {
            for (int j = 0; j < k * l; j++) {
                if (p.retrieve()[n * k * l + j] > 0) {
                    read.add(j);
                }
            }
        }
        String diag = robot.lookup("#slot-diagnostics").queryLabeled().getText();
        assertTrue(diag.contains("slots read " + read.size() + " distinct tokens of the " + k * l), diag);
        assertTrue(robot.lookup("#task-colour-legend").tryQuery().isPresent(), "the task colour legend is shown");
        // the heatmaps of one model's row line up, however their captions wrap
        for (String model : List.of("kem", "ca")) {
            java.util.Set<Long> tops = new java.util.TreeSet<>();
            for (var task : p.tasks()) {
                var heat = robot.lookup("#heat-" + model + "-" + task.id()).query();
                tops.add(Math.round(WaitForAsyncUtils.asyncFx(() -> heat.localToScene(heat.getBoundsInLocal()).getMinY()).get()));
            }
            assertEquals(1, tops.size(), model + " heatmap tops " + tops);
        }
        List<String> problems = problemsOn("Attention");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
