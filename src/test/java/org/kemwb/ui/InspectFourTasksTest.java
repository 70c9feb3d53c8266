package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
 * A NYUD-like 4-task model (semseg with 40 classes, depth, normals, edges) on the Inspect page of
 * a 1024x700 window with a dataset image: every output | ground truth | error row, legends and
 * scales included, fits the page (no sideways scrolling, nothing cut, no caption ellipsised).
 */
class InspectFourTasksTest {
    static WorkbenchApp app;
    static Stage stage;
    static final FxRobot robot = new FxRobot();
    static Path image;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("kemwb-inspect-four");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", dir.resolve("no-samples").toString());
        Path model = FourTaskModels.save(dir, 40);
        Path data = dir.resolve("dataset");
        org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth", "--out",
                data.toString(), "--count", "1", "--size", "96");
        image = data.resolve("images").resolve("000000.png");
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        Platform.runLater(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            app.window().show("Inspect");
            app.state().openCheckpoint(model, WorkbenchState.Slot.PRIMARY);
            app.state().openImage(image);
        });
        waitFor(() -> image.equals(app.state().imagePathProperty().get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().tasks().size() == 4
                && app.state().groundTruthProperty().get() != null
                && robot.lookup("#error-edges").tryQuery().isPresent());
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

    @Test
    void everyOutputTruthErrorRowOfA40ClassFourTaskModelFitsAt1024() throws Exception {
        List<String> problems = fx(() -> {
            List<String> out = new java.util.ArrayList<>(LayoutCheck.problems(stage.getScene()));
            javafx.scene.control.ScrollPane scroll = (javafx.scene.control.ScrollPane) app.window().page("Inspect").lookup(".scroll-pane");
            double right = scroll.localToScene(scroll.getLayoutBounds()).getMinX() + scroll.getViewportBounds().getWidth();
            for (String task : List.of("semseg", "depth", "normals", "edges")) {
                for (String kind : List.of("output-", "truth-", "error-")) {
                    Node n = robot.lookup("#" + kind + task).query();
                    Node panel = n.getParent().getParent(); // image view -> stack -> panel
                    Bounds b = panel.localToScene(panel.getLayoutBounds());
                    if (b.getMaxX() > right + 0.5) {
                        out.add(kind + task + " panel ends at x = " + Math.round(b.getMaxX()) + ", the viewport at " + Math.round(right));
                    }
                }
            }
            return out;
        });
        assertNotNull(robot.lookup("#error-semseg").tryQuery().orElse(null), "the error column is shown");
        assertEquals(List.of(), problems, "the Inspect page at 1024x700 with a 40-class 4-task model and ground truth");
    }
}
