package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kemwb.infer.InputSize;
import org.kemwb.infer.Letterbox;
import org.kemwb.infer.MemoryReadouts;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Picture;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.NpzWeights;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Attention page explains itself: one head at a time, the slots the selected token writes
 * from, and slot read-outs over the sample images; every number checked against the model's own
 * per-head arrays (a second copy of the checkpoint run directly) or {@link MemoryReadouts}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttentionHeadsTest {
    static WorkbenchApp app;
    static Stage stage;
    static AttentionView view;
    static final FxRobot robot = new FxRobot();
    static final Path SCENE = Path.of("samples", "images", "scene-2.png");
    static final Path CHECKPOINTS = Path.of("samples", "checkpoints");

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kemwb.runs", Files.createTempDirectory("kemwb-heads").resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        Platform.runLater(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            app.state().openImage(SCENE);
        });
        waitFor(() -> SCENE.equals(app.state().imagePathProperty().get())
                && app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        view = (AttentionView) fx(() -> app.window().page("Attention"));
        fx(() -> {
            app.window().show("Attention");
            return null;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    /** Hang limit only (600 s): a busy machine is slow, never wrong. */
    static void waitFor(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        T out = WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return out;
    }

    /** The per-head arrays of one sample checkpoint on the open image, computed directly (not through the page). */
    record Direct(int k, int l, int slots, int heads, float[] headTokens, float[] retrieveHeads, float[] writeHeads) {}

    static Direct direct(String model) throws Exception {
        Picture pic = ImageDecoder.read(SCENE);
        try (LoadedModel m = NpzWeights.readAny(CHECKPOINTS.resolve(model + ".params"), Device.cpu());
                NDManager scope = m.manager().newSubManager()) {
            Letterbox lb = InputSize.MODEL.letterbox(pic.height(), pic.width(), m.config());
            float[] input = lb.toModel(pic.rgb(), 3);
            AttentionMaps maps = m.infer(scope, scope.create(input, new Shape(1, 3, lb.modelHeight(), lb.modelWidth())), true).attention();
            int heads = (int) maps.headTokenAttention().getShape().get(1);
            return new Direct(m.config().taskCount(), m.config().tokens(), m.config().slots(), heads,
                    maps.headTokenAttention().get(0).toFloatArray(),
                    maps.retrieveHeads() == null ? null : maps.retrieveHeads().get(0).toFloatArray(),
                    maps.writeHeads() == null ? null : maps.writeHeads().get(0).toFloatArray());
        }
    }

    /** Row i of head h (h &lt; 0: mean over heads), entries of source task s. */
    static float[] row(Direct d, int h, int i, int s) {
        int kl = d.k() * d.l();
        float[] out = new float[d.l()];
        for (int head = 0; head < d.heads(); head++) {
            if (h >= 0 && head != h) {
                continue;
            }
            for (int j = 0; j < d.l(); j++) {
                out[j] += d.headTokens()[(head * kl + i) * kl + s * d.l() + j] / (h >= 0 ? 1 : d.heads());
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void choosingAHeadShowsThatHeadsMapsForBothModels() throws Exception {
        List<String> tasks = app.state().predictionProperty(WorkbenchState.Slot.PRIMARY).get().tasks().stream().map(t -> t.id()).toList();
        for (String model : List.of("kem", "ca")) {
            Direct d = direct(model);
            assertEquals(2, d.heads(), "the sample models have 2 heads");
            float[][] head0 = null;
            for (int h : new int[] {0, 1, -1}) {
                fx(() -> {
                    view.selectHead(h);
                    view.select(0.3, 0.6);
                    return null;
                });
                int[] token = view.selectedToken();
                int i = token[0] * d.l() + token[2] * (int) Math.round(Math.sqrt(d.l())) + token[1];
                // one wording on the whole page: "row r, column c" (token[1] is the column, token[2] the row)
                String where = String.format(Locale.ROOT, "row %d, column %d of %s", token[2], token[1], tasks.get(token[0]));
                String tokenLabel = robot.lookup("#attention-token").queryLabeled().getText();
                assertTrue(tokenLabel.startsWith("token at " + where), tokenLabel);
                String slotsLine = robot.lookup("#token-slots").queryLabeled().getText();
                assertTrue(slotsLine.startsWith("Token at " + where), slotsLine);
                // the head box keeps its width whatever is chosen (the token label beside it never moves)
                assertEquals(170, robot.lookup("#attention-head").query().getLayoutBounds().getWidth(), 0.5, "head box width");
                // the task-mass chart is the head mean, and says so
                String chart = ((javafx.scene.chart.Chart) robot.lookup("#task-mass-chart").query()).getTitle();
                assertTrue(chart.endsWith("mean over heads"), chart);
                float[][] shown = view.shownRows(model);
                for (int s = 0; s < d.k(); s++) {
                    float[] want = row(d, h, i, s);
                    assertArrayEquals(want, shown[s], 1e-5f, model + " head " + h + " from " + tasks.get(s));
                    double mass = 0;
                    for (float v : want) {
                        mass += v;
                    }
                    String caption = robot.lookup("#from-" + model + "-" + tasks.get(s)).queryLabeled().getText();
                    assertEquals(String.format(Locale.ROOT, "from %s: %.1f %%", tasks.get(s), 100 * mass), caption);
                }
                String title = robot.lookup("#attention-row-title-" + model).queryLabeled().getText();
                assertTrue(title.contains(h < 0 ? "mean of 2 heads" : "head " + h + " of 2"), title);
                if (h == 0) {
                    head0 = shown;
                } else if (h == 1) {
                    boolean differs = false;
                    for (int s = 0; s < d.k(); s++) {
                        differs |= !java.util.Arrays.equals(head0[s], shown[s]);
                    }
                    assertTrue(differs, model + ": head 1 shows other maps than head 0");
                }
            }
        }
    }

    @Test
    @Order(2)
    void theSlotsTheTokenWritesFromAreFramedWithTheTokensTheyRead() throws Exception {
        Direct d = direct("kem");
        int kl = d.k() * d.l();
        for (int h : new int[] {-1, 0, 1}) {
            fx(() -> {
                view.selectHead(h);
                view.select(0.7, 0.25);
                return null;
            });
            int[] token = view.selectedToken();
            int i = token[0] * d.l() + token[2] * (int) Math.round(Math.sqrt(d.l())) + token[1];
            // the token's write weights on the N slots, straight from the forward pass
            double[] w = new double[d.slots()];
            for (int head = 0; head < d.heads(); head++) {
                if (h < 0 || head == h) {
                    for (int n = 0; n < d.slots(); n++) {
                        w[n] += d.writeHeads()[(head * kl + i) * d.slots() + n] / (h < 0 ? d.heads() : 1);
                    }
                }
            }
            List<Integer> order = new ArrayList<>();
            for (int n = 0; n < d.slots(); n++) {
                order.add(n);
            }
            order.sort(Comparator.comparingDouble((Integer n) -> -w[n]).thenComparingInt(n -> n));
            int[] want = order.subList(0, MemoryView.TOP_SLOTS).stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(want, view.memory().highlightedSlots(), "head " + h);
            for (int n = 0; n < d.slots(); n++) {
                Node box = robot.lookup("#slot-" + n).query();
                boolean framed = box.getStyleClass().contains("slot-highlight");
                int slot = n;
                assertEquals(java.util.Arrays.stream(want).anyMatch(x -> x == slot), framed, "slot " + n + " framed");
                // the markers: the tokens this slot read in the head (any head for the mean)
                java.util.Set<Integer> read = new java.util.HashSet<>();
                for (int head = 0; head < d.heads(); head++) {
                    if (h < 0 || head == h) {
                        for (int j = 0; j < kl; j++) {
                            if (d.retrieveHeads()[(head * d.slots() + n) * kl + j] > 0) {
                                read.add(j);
                            }
                        }
                    }
                }
                long markers = ((javafx.scene.Parent) box).lookupAll("Rectangle").stream().filter(r -> r instanceof Rectangle).count();
                assertEquals(read.size(), markers, "head " + h + " slot " + n + " markers");
            }
            String line = robot.lookup("#token-slots").queryLabeled().getText();
            assertTrue(line.contains(String.format(Locale.ROOT, "slot %d (%.1f %%)", want[0], 100 * w[want[0]])), line);
        }
    }

    @Test
    @Order(3)
    void slotReadOutsOverTheSampleImagesAreMemoryReadoutsNumbers() throws Exception {
        Path kem = CHECKPOINTS.resolve("kem.params");
        waitFor(() -> view.readouts().shown() != null && view.readouts().shown().model().endsWith(kem));
        checkReadouts(kem);
    }

    @Test
    @Order(4)
    void anotherModelClearsTheReadOutsAndMeasuresItself() throws Exception {
        Path skem = CHECKPOINTS.resolve("skem.params");
        fx(() -> {
            app.state().openCheckpoint(skem, WorkbenchState.Slot.PRIMARY);
            return null;
        });
        waitFor(() -> skem.equals(app.state().modelPathProperty(WorkbenchState.Slot.PRIMARY).get()));
        waitFor(() -> view.readouts().shown() != null && view.readouts().shown().model().endsWith(skem));
        checkReadouts(skem);
    }

    @Test
    @Order(5)
    void aFolderWithoutImagesIsReportedByNameAndShowsNoNumbers() throws Exception {
        Path empty = Files.createTempDirectory("kemwb-no-images");
        Files.writeString(empty.resolve("notes.txt"), "not an image");
        int before = app.state().messages().size();
        fx(() -> {
            view.readouts().setFolder(empty);
            return null;
        });
        waitFor(() -> app.state().messages().size() > before);
        String message = app.state().messages().getLast().text();
        assertEquals("image folder " + empty + " has no .png or .jpg images", message);
        waitFor(() -> robot.lookup("#readouts-status").queryLabeled().getText().startsWith("Slot read-outs failed"));
        assertEquals(null, view.readouts().shown(), "no numbers of the previous folder stay on the page");
        assertFalse(robot.lookup("#readouts-distinct").tryQuery().isPresent());
    }

    static void checkReadouts(Path checkpoint) throws Exception {
        List<Path> files;
        try (var list = Files.list(Path.of("samples", "images"))) {
            files = list.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        MemoryReadouts.Report r;
        List<String> tasks;
        try (LoadedModel m = NpzWeights.readAny(checkpoint, Device.cpu())) {
            List<float[]> rgb = new ArrayList<>();
            for (Path f : files) {
                rgb.add(ImageDecoder.read(f).resize(m.config().width(), m.config().height()).rgb());
            }
            r = MemoryReadouts.measure(m, rgb, SlotReadoutsView.TOP);
            tasks = m.config().tasks().stream().map(t -> t.id()).toList();
        }
        assertEquals(files.size(), view.readouts().shown().images().size());
        String status = robot.lookup("#readouts-status").queryLabeled().getText();
        assertTrue(status.contains("over " + files.size() + " images"), status);
        String distinct = robot.lookup("#readouts-distinct").queryLabeled().getText();
        assertTrue(distinct.contains(String.format(Locale.ROOT, "per image: %.2f ± %.2f of %d", r.distinctMean(), r.distinctStd(),
                r.tasks() * r.tokensPerTask())), distinct);
        assertTrue(distinct.contains("on any image: " + r.distinctUnion() + "."), distinct);
        String repeat = robot.lookup("#readouts-repeat").queryLabeled().getText();
        assertTrue(repeat.contains(String.format(Locale.ROOT, "Position repeat: %.3f", r.positionRepeat())), repeat);
        assertTrue(repeat.contains(String.format(Locale.ROOT, "at random: %.3f", r.chanceRepeat())), repeat);
        for (int h = 0; h < r.heads(); h++) {
            String perSlot = robot.lookup("#readouts-slot-repeat-" + h).queryLabeled().getText();
            for (int n = 0; n < r.slotRepeat()[h].length; n++) {
                assertTrue(perSlot.contains(String.format(Locale.ROOT, "slot %d %.2f", n, r.slotRepeat()[h][n])), perSlot);
            }
        }
        String top = robot.lookup("#readouts-top").queryLabeled().getText();
        MemoryReadouts.Position first = r.topPositions().getFirst();
        assertTrue(top.contains(String.format(Locale.ROOT, "%s row %d, column %d: %.1f %%", tasks.get(first.task()), first.row(), first.col(),
                100 * first.share())), top);
        for (int t = 0; t < r.tasks(); t++) {
            for (int s = 0; s < r.tasks(); s++) {
                assertEquals(String.format(Locale.ROOT, "%.1f ± %.1f %%", 100 * r.taskMassMean()[t][s], 100 * r.taskMassStd()[t][s]),
                        robot.lookup("#readouts-mass-" + t + "-" + s).queryLabeled().getText(), "mass " + t + " from " + s);
            }
        }
        for (int h = 0; h < r.heads(); h++) {
            for (int s = 0; s < r.tasks(); s++) {
                assertEquals(String.format(Locale.ROOT, "%.1f %%", 100 * r.headTaskShare()[h][s]),
                        robot.lookup("#readouts-head-" + h + "-" + s).queryLabeled().getText(), "head " + h + " share of " + s);
            }
            assertEquals(String.format(Locale.ROOT, "%.2f", r.headDistinctMean()[h]),
                    robot.lookup("#readouts-head-distinct-" + h).queryLabeled().getText());
        }
        List<String> problems = new ArrayList<>();
        WaitForAsyncUtils.asyncFx(() -> problems.addAll(LayoutCheck.problems(stage.getScene()))).get(20, TimeUnit.SECONDS);
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertFalse(status.startsWith("Results cleared"));
    }
}
