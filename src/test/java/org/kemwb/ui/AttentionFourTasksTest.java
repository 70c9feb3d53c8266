package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * A 4-task model (semseg, depth, normals, edges) on the Attention page of a 1024x700 window:
 * the image, the four heatmaps and the colour bar fit the page (nothing cut, no caption
 * ellipsised, no sideways scrolling), and when the comparison row cannot be shown a note says
 * why (no comparison model; a comparison model with other tasks).
 */
class AttentionFourTasksTest {
    static WorkbenchApp app;
    static Stage stage;
    static final FxRobot robot = new FxRobot();
    static final Path SCENE = Path.of("samples", "images", "scene-2.png");
    static Path model;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("kemwb-four");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        // no samples: the app opens no model, so the comparison slot stays empty
        System.setProperty("kemwb.samples", dir.resolve("no-samples").toString());
        model = FourTaskModels.save(dir, 6);
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        Platform.runLater(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            app.state().openImage(SCENE);
            app.state().openCheckpoint(model, WorkbenchState.Slot.PRIMARY);
        });
        waitFor(() -> SCENE.equals(app.state().imagePathProperty().get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null);
        fx(() -> {
            app.window().show("Attention");
            return null;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("kemwb.samples");
        FxToolkit.cleanupApplication(app);
    }

    static void waitFor(BooleanSupplier condition) throws Exception {
        FourTaskModels.waitFor(condition);
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return FourTaskModels.fx(c);
    }

    /** Problems LayoutCheck finds, plus any heatmap or colour-bar node whose right edge lies outside the window. */
    static List<String> problems(AttentionView view) throws Exception {
        return fx(() -> {
            List<String> out = new java.util.ArrayList<>(LayoutCheck.problems(stage.getScene()));
            Node maps = view.lookup("#attention-maps");
            Bounds b = maps.localToScene(maps.getLayoutBounds());
            if (b.getMaxX() > stage.getScene().getWidth()) {
                out.add("the heatmap row ends at x = " + Math.round(b.getMaxX()) + " in a " + Math.round(stage.getScene().getWidth()) + " px window");
            }
            return out;
        });
    }

    @Test
    void fourHeatmapsAndTheColourBarFitAt1024AndTheMissingComparisonRowIsExplained() throws Exception {
        AttentionView view = (AttentionView) fx(() -> app.window().page("Attention"));
        for (String task : List.of("semseg", "depth", "normals", "edges")) {
            assertNotNull(robot.lookup("#heat-kem-" + task).tryQuery().orElse(null), "a heatmap from " + task);
        }
        assertNotNull(robot.lookup("#scale-max-kem").tryQuery().orElse(null), "the colour bar");
        assertEquals(List.of(), problems(view), "the Attention page at 1024x700 with a 4-task model");
        String none = fx(view::comparisonNote);
        assertNotNull(none, "no comparison model: a note says so");
        assertTrue(none.startsWith("No comparison model is open"), none);

        // a comparison model of other tasks (the CA sample: semseg, depth, normals): its row is not shown, and the note says why
        fx(() -> app.state().openCheckpoint(Path.of("samples", "checkpoints", "ca.params"), WorkbenchState.Slot.COMPARISON));
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        assertNull(robot.lookup("#heat-ca-semseg").tryQuery().orElse(null), "no CA row for a model of other tasks");
        assertEquals("CA comparison row not shown: it predicts semseg, depth, normals, this model semseg, depth, normals, edges.",
                fx(view::comparisonNote));
        assertEquals(List.of(), problems(view), "the Attention page with the note");
    }
}
