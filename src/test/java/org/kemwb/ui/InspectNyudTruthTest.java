package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemwb.infer.OutputImages;
import org.kemwb.infer.Prediction;
import org.kemwb.io.Npy;
import org.kemwb.model.Task;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The field case nyud_tiny/ (one 4x2 NYUD-v2 image, raw labels [[0,1,40,21],[1,1,0,40]], depth 0-9.75 m) on
 * the Inspect page with a 40-class NYUD-like model (random weights) and with a 6-class one: the ground-truth
 * hover names the dataset's classes as the legend does; depth output and truth share one colour scale that
 * covers both; a bad label file or a class count the model lacks leaves out only its task, saying why in one
 * line naming the file.
 */
class InspectNyudTruthTest {
    static final Path NYUD = Path.of("src", "test", "resources", "field-cases", "nyud_tiny");
    /** The field case's README row: raw 0 -> ignored, c -> class c-1 of the 40 NYUD-v2 names. */
    static final String[][] TRUTH = {{"no label", "wall", "otherprop", "clothes"}, {"wall", "wall", "no label", "otherprop"}};
    static final float[] DEPTH = {0, 1.5f, 2.25f, 3, 0, 9.75f, 4.5f, 1.25f};

    static WorkbenchApp app;
    static Path root;
    static Path image;
    static Path model40;
    static Path model6;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("kemwb-inspect-nyud");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", dir.resolve("no-samples").toString());
        model40 = FourTaskModels.save(Files.createDirectories(dir.resolve("m40")), 40);
        model6 = FourTaskModels.save(Files.createDirectories(dir.resolve("m6")), 6);
        root = org.kemwb.TestFiles.copyTree(NYUD, dir.resolve("nyud"));
        image = root.resolve("images").resolve("0001.jpg");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        Platform.runLater(() -> app.window().show("Inspect"));
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("kemwb.samples");
        FxToolkit.cleanupApplication(app);
    }

    /** Opens {@code model} and the field-case image, and waits for Inspect to show a prediction with {@code classes} semseg classes and {@code panel}. */
    static Prediction open(Path model, int classes, String panel) throws Exception {
        javafx.concurrent.Task<?> opened = FourTaskModels.fx(() -> {
            app.state().openCheckpoint(model, WorkbenchState.Slot.PRIMARY);
            return app.state().openImage(image);
        });
        // read on the FX thread: the image opened, every job it started (the reruns) finished, and Inspect shows them
        FourTaskModels.waitFor(() -> {
            try {
                return FourTaskModels.fx(() -> {
                    Prediction p = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
                    return opened.getState() == javafx.concurrent.Worker.State.SUCCEEDED && app.state().jobs().jobs().isEmpty()
                            && image.equals(app.state().imagePathProperty().get())
                            && model.equals(app.state().modelPathProperty(WorkbenchState.Slot.PRIMARY).get()) && p != null
                            && p.channels(p.tasks().indexOf(Task.SEMSEG)) == classes && robot.lookup(panel).tryQuery().isPresent();
                });
            } catch (Exception e) {
                return false;
            }
        });
        return app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get();
    }

    /** The hover value line of the panel whose overlay has id {@code id}. */
    static String valueOf(String id) {
        ImageView over = robot.lookup(id).queryAs(ImageView.class);
        VBox box = (VBox) over.getParent().getParent();
        return ((Label) box.getChildren().get(2)).getText();
    }

    static boolean present(String id) {
        return robot.lookup(id).tryQuery().isPresent();
    }

    static List<String> messages() throws Exception {
        return FourTaskModels.fx(() -> app.state().messages().stream().map(WorkbenchState.Message::text).toList());
    }

    @Test
    void groundTruthAndErrorHoverNameTheDatasetClassesAsTheLegendDoes() throws Exception {
        Npy.write(DEPTH, new long[] {2, 4}, root.resolve("depth").resolve("0001.npy"));
        Prediction p = open(model40, 40, "#truth-semseg");
        InspectView view = (InspectView) app.window().page("Inspect");
        String[] names = org.kemwb.data.ClassNames.of(Task.SEMSEG, 40);
        int semseg = p.tasks().indexOf(Task.SEMSEG);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                double fx = (x + 0.5) / 4;
                double fy = (y + 0.5) / 2;
                Platform.runLater(() -> view.hover(fx, fy));
                WaitForAsyncUtils.waitForFxEvents();
                assertEquals(TRUTH[y][x], valueOf("#truth-semseg"), "semseg ground truth at (" + x + ", " + y + ")");
                String output = InspectView.valueAt(p, semseg, x, y);
                assertEquals(output, valueOf("#output-semseg"));
                assertTrue(java.util.Arrays.asList(names).contains(output), output + " is one of the 40 NYUD names");
                String error = valueOf("#error-semseg");
                if (TRUTH[y][x].equals("no label")) {
                    assertEquals("no label", error);
                } else if (!output.equals(TRUTH[y][x])) {
                    assertEquals("wrong: output " + output + ", truth " + TRUTH[y][x], error);
                } else {
                    assertEquals("right", error);
                }
            }
        }
        Platform.runLater(() -> view.hover(-1, -1));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void depthOutputAndGroundTruthShareOneColourScaleCoveringBoth() throws Exception {
        Npy.write(DEPTH, new long[] {2, 4}, root.resolve("depth").resolve("0001.npy"));
        Prediction p = open(model40, 40, "#truth-depth");
        // one scale over the output and the valid truth, computed here from both
        int depth = p.tasks().indexOf(Task.DEPTH);
        float[] out = p.outputs().get(depth);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < 8; i++) {
            lo = Math.min(lo, out[i]);
            hi = Math.max(hi, out[i]);
            if (DEPTH[i] > 0) {
                lo = Math.min(lo, DEPTH[i]);
                hi = Math.max(hi, DEPTH[i]);
            }
        }
        assertTrue(hi >= 9.75f && lo <= 1.25f, lo + ".." + hi);
        var truth = robot.lookup("#truth-depth").queryAs(ImageView.class).getImage().getPixelReader();
        var shown = robot.lookup("#output-depth").queryAs(ImageView.class).getImage().getPixelReader();
        java.util.Set<Integer> truthColours = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            int x = i % 4;
            int y = i / 4;
            int expectedTruth = DEPTH[i] <= 0 ? 0 : OutputImages.turbo((DEPTH[i] - lo) / (hi - lo));
            assertEquals(expectedTruth, truth.getArgb(x, y) & 0xffffff, "truth colour at (" + x + ", " + y + ")");
            assertEquals(OutputImages.turbo((out[i] - lo) / (hi - lo)), shown.getArgb(x, y) & 0xffffff, "output colour at (" + x + ", " + y + ")");
            truthColours.add(truth.getArgb(x, y) & 0xffffff);
        }
        assertEquals(7, truthColours.size(), "6 distinct depths and black for no label, not one solid colour");
        assertEquals(2, robot.lookup("#depth-shared-scale").queryAll().size(), "both colour bars say they are shared");
        assertFalse(present("#truth-missing-depth"));
    }

    @Test
    void theExportedFigureUsesTheDatasetNamesTheSharedDepthScaleAndOnlyTheUsableTruth() throws Exception {
        Npy.write(DEPTH, new long[] {2, 4}, root.resolve("depth").resolve("0001.npy"));
        Prediction p = open(model40, 40, "#truth-depth");
        var img = app.state().imageProperty().get();
        var gt = app.state().groundTruthProperty().get();
        float[] out = p.outputs().get(p.tasks().indexOf(Task.DEPTH));
        float hi = 9.75f;
        for (int i = 0; i < 8; i++) {
            hi = Math.max(hi, out[i]);
        }
        Path all = Files.createTempFile("kemwb-figure", ".svg");
        new org.kemwb.infer.Figure("x", img, p, gt, app.state().groundTruthTasksProperty().get()).svg(all);
        String svg = Files.readString(all);
        assertTrue(svg.contains(">otherprop<") && svg.contains(">clothes<"), "the 40 NYUD names in the class legend");
        assertFalse(svg.contains(">class 39<"), "no 'class N' names");
        String top = String.format(java.util.Locale.ROOT, "%.2f m", hi);
        assertTrue(svg.split(java.util.regex.Pattern.quote(">" + top + "<"), -1).length - 1 >= 2, "output and truth bars end at " + top);
        assertTrue(svg.contains("one scale for output and ground truth"));
        assertTrue(svg.contains("depth (ground truth)"));
        Path noDepth = Files.createTempFile("kemwb-figure", ".svg");
        new org.kemwb.infer.Figure("x", img, p, gt, java.util.EnumSet.of(Task.SEMSEG, Task.NORMALS, Task.EDGES)).svg(noDepth);
        String without = Files.readString(noDepth);
        assertFalse(without.contains("depth (ground truth)"), "a task without usable labels gets its output only");
        assertTrue(without.contains("semseg (ground truth)"));
        Files.delete(all);
        Files.delete(noDepth);
    }

    @Test
    void aBadLabelFileLeavesOutOnlyItsTaskAndIsReportedInOneLineNamingIt() throws Exception {
        Path depthFile = root.resolve("depth").resolve("0001.npy");
        Npy.write(new float[63], new long[] {7, 9}, depthFile);
        try {
            int before = messages().size();
            open(model40, 40, "#truth-missing-depth");
            assertTrue(present("#truth-semseg") && present("#truth-normals") && present("#truth-edges"), "the tasks whose labels are fine");
            assertFalse(present("#truth-depth"));
            assertFalse(present("#error-depth"));
            assertTrue(present("#output-depth"), "the depth output is still shown");
            String line = depthFile + ": shape [7, 9] does not match the image (expected [2, 4])";
            List<String> added = messages().subList(before, messages().size());
            assertTrue(added.stream().anyMatch(m -> m.contains(line) && !m.contains("\n")), added + " names the bad file in one line");
        } finally {
            Npy.write(DEPTH, new long[] {2, 4}, depthFile);
        }
    }

    @Test
    void aModelWithAnotherClassCountStillShowsTheTasksThatFitAndSaysWhySemsegIsLeftOut() throws Exception {
        Npy.write(DEPTH, new long[] {2, 4}, root.resolve("depth").resolve("0001.npy"));
        int before = messages().size();
        open(model6, 6, "#truth-missing-semseg");
        assertTrue(present("#truth-depth") && present("#truth-normals") && present("#truth-edges"), "depth, normals and edges truth");
        assertFalse(present("#truth-semseg"));
        List<String> added = messages().subList(before, messages().size());
        assertTrue(added.stream().anyMatch(m -> m.startsWith("semseg ground truth not shown: the model predicts 6 classes")
                && m.endsWith("has 40") && !m.contains("\n")), added.toString());
    }
}
