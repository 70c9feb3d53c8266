package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TableColumn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.data.ClassNames;
import org.kemwb.data.Sample;
import org.kemwb.infer.OutputImages;
import org.kemwb.job.EvalJob;
import org.kemwb.job.JobListener;
import org.kemwb.metrics.ClassTables;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NpzWeights;
import org.kemwb.model.Task;
import org.kemwb.train.Evaluator;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * "Evaluate on a set": the per-class table and the confusion heatmap are those of the set's
 * predictions, counted here pixel by pixel from the model's own outputs, and equal to what
 * {@link ClassTables} makes of a direct {@link Evaluator} run; the CSV export is the CLI's.
 */
@Timeout(600)
class EvalViewTest {
    static final int SCENES = 4;
    static final int SEMSEG_CLASSES = 6;
    static WorkbenchState state;
    @TempDir
    static Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
        state = fx(WorkbenchState::new);
    }

    @AfterAll
    static void close() {
        state.close();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    /** A small untrained KEM model of these tasks saved as {@code name} in the test folder. */
    private Path kem(String name, List<Task> tasks) throws Exception {
        ModelConfig config = new ModelConfig(tasks, InteractionKind.KEM, 32, 8, 16, 2, 1, 1,
                2, 4, 2, 1.0, SEMSEG_CLASSES, 5, 7L, ModelConfig.STEM, 0, false);
        Path checkpoint = dir.resolve(name);
        try (LoadedModel model = LoadedModel.create(config, Device.cpu(), 3, null)) {
            Checkpoint.save(model, checkpoint, Map.of());
        }
        return checkpoint;
    }

    private static ModelConfig configOf(Path checkpoint) throws Exception {
        try (LoadedModel model = NpzWeights.readAny(checkpoint, Device.cpu())) {
            return model.config();
        }
    }

    /** The evaluation view set to score {@code checkpoint} on {@code scenes} held-out synthetic scenes. */
    private EvalView viewOn(Path checkpoint, int scenes) throws Exception {
        return fx(() -> {
            EvalView v = new EvalView(state);
            v.setCheckpoint(checkpoint);
            v.useSyntheticScenes(scenes);
            return v;
        });
    }

    @Test
    void theClassTableAndHeatmapAreThoseOfTheSetsPredictions() throws Exception {
        Path checkpoint = kem("kem.params", List.of(Task.SEMSEG, Task.PARTS, Task.DEPTH));
        EvalView view = viewOn(checkpoint, SCENES);
        assertNotNull(fx(view::start));
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> view.outcomeProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();

        // the same scenes, the same weights: every labelled pixel's arg-max class counted by hand
        List<Sample> samples = EvalJob.samples(configOf(checkpoint), EvalJob.Data.synthetic(SCENES, 1, 100_000), JobListener.NONE);
        long[][] c = new long[SEMSEG_CLASSES][SEMSEG_CLASSES];
        Evaluator.Result direct;
        try (LoadedModel model = NpzWeights.readAny(checkpoint, Device.cpu())) {
            for (Sample s : samples) {
                try (NDManager scope = model.manager().newSubManager()) {
                    float[] logits = model.infer(scope, scope.create(s.rgb(), new Shape(1, 3, 32, 32)), false).outputs().get(0).toFloatArray();
                    int n = 32 * 32;
                    for (int p = 0; p < n; p++) {
                        int label = s.semseg()[p];
                        if (label == Sample.IGNORE) {
                            continue;
                        }
                        int best = 0;
                        for (int k = 1; k < SEMSEG_CLASSES; k++) {
                            if (logits[k * n + p] > logits[best * n + p]) {
                                best = k;
                            }
                        }
                        c[label][best]++;
                    }
                }
            }
            direct = Evaluator.run(model, samples, 8, MetricConvention.PUBLISHED);
        }
        List<ClassTables.ClassRow> rows = fx(() -> List.copyOf(view.table().getItems()));
        assertEquals(SEMSEG_CLASSES, rows.size());
        String[] names = ClassNames.of(Task.SEMSEG, SEMSEG_CLASSES);
        @SuppressWarnings("unchecked")
        TableColumn<ClassTables.ClassRow, String> nameColumn = (TableColumn<ClassTables.ClassRow, String>) view.table().getColumns().get(1);
        long labelled = 0;
        for (int k = 0; k < SEMSEG_CLASSES; k++) {
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < SEMSEG_CLASSES; o++) {
                if (o != k) {
                    fp += c[o][k];
                    fn += c[k][o];
                }
                labelled += c[k][o];
            }
            ClassTables.ClassRow r = rows.get(k);
            assertEquals(k, r.classId());
            assertEquals(c[k][k], r.tp(), "TP of class " + k);
            assertEquals(fp, r.fp(), "FP of class " + k);
            assertEquals(fn, r.fn(), "FN of class " + k);
            long union = c[k][k] + fp + fn;
            assertEquals(union == 0 ? 0 : (double) c[k][k] / union, r.iou(), 1e-12, "published: a class absent from the set scores 0");
            assertEquals(names[k], nameColumn.getCellData(k));
        }
        assertTrue(labelled > 0, "the scenes have labelled pixels");
        assertEquals(ClassTables.rows(direct.semseg()), rows, "the table is ClassTables of a direct evaluation");

        // the heatmap: one flat cell per class pair, Turbo of the share of the row's labelled pixels, drawn at its
        // display size (a 6x6 image scaled by JavaFX is smoothed into blobs whatever setSmooth says)
        javafx.scene.image.Image shown = view.heatmap().getImage();
        assertEquals(EvalView.HEATMAP, (int) shown.getWidth());
        javafx.scene.image.WritableImage shot = fx(() -> SharpCells.snapshot(view.heatmap()));
        List<String> uneven = SharpCells.unevenCells(shot, SEMSEG_CLASSES, SEMSEG_CLASSES);
        assertEquals(List.of(), uneven, String.join("\n", uneven));
        for (int a = 0; a < SEMSEG_CLASSES; a++) {
            long sum = 0;
            for (long v : c[a]) {
                sum += v;
            }
            for (int b = 0; b < SEMSEG_CLASSES; b++) {
                int expected = sum == 0 ? 0xff808080 : 0xff000000 | OutputImages.turbo((float) ((double) c[a][b] / sum));
                assertEquals(Integer.toHexString(expected), Integer.toHexString(SharpCells.centre(shot, SEMSEG_CLASSES, SEMSEG_CLASSES, a, b)),
                        "cell " + a + " -> " + b);
            }
        }
        int a = 0;
        while (c[a][0] + c[a][1] + c[a][2] + c[a][3] + c[a][4] + c[a][5] == 0) {
            a++;
        }
        int row = a;
        fx(() -> {
            view.hoverCell(0.5 / SEMSEG_CLASSES, (row + 0.5) / SEMSEG_CLASSES);
            return null;
        });
        assertTrue(view.cellText().getText().startsWith("label " + names[row] + " → predicted " + names[0] + ": "),
                view.cellText().getText());
        assertTrue(view.cellText().getText().endsWith("(" + c[row][0] + ")"), view.cellText().getText());

        // sortable: by IoU, best first
        List<Double> sorted = fx(() -> {
            TableColumn<ClassTables.ClassRow, ?> iou = view.table().getColumns().get(2);
            iou.setSortType(TableColumn.SortType.DESCENDING);
            view.table().getSortOrder().setAll(List.of(iou));
            return view.table().getItems().stream().map(ClassTables.ClassRow::iou).toList();
        });
        for (int i = 1; i < sorted.size(); i++) {
            assertTrue(sorted.get(i - 1) >= sorted.get(i), "sorted by IoU: " + sorted);
        }

        // human parts: the same table as ClassTables of the direct run
        List<ClassTables.ClassRow> parts = fx(() -> {
            view.table().getSortOrder().clear();
            view.taskChoice().getSelectionModel().select("parts");
            return List.copyOf(view.table().getItems());
        });
        assertEquals(ClassTables.rows(direct.parts()), parts);

        // CSV export: the files `kemwb eval --per-class/--confusion` writes
        Path perClass = dir.resolve("per-class.csv");
        Path confusion = dir.resolve("confusion.csv");
        var t1 = fx(() -> view.exportTo(perClass, false));
        var t2 = fx(() -> view.exportTo(confusion, true));
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> t1.isDone() && t2.isDone());
        assertEquals(ClassTables.perClassCsv(direct.semseg(), direct.parts()), Files.readString(perClass));
        assertEquals(ClassTables.confusionCsv(direct.semseg(), direct.parts()), Files.readString(confusion));
        assertNull(state.errorProperty().get());
    }

    /**
     * The evaluation window at its size (it opens at 1000x680 on a 1024x768 screen) with a set's results and the
     * longest hover read-out: the colour bar's 100 % / 0 % labels, the read-out and every column header of the
     * per-class table are shown whole and inside the window.
     */
    @Test
    void theWindowShowsResultsWholeAt1000x680() throws Exception {
        EvalView view = viewOn(kem("layout.params", List.of(Task.SEMSEG, Task.DEPTH)), 64); // as the tester: counts of 5-6 digits
        javafx.stage.Stage stage = fx(() -> {
            javafx.scene.Scene owner = new javafx.scene.Scene(new javafx.scene.layout.Pane());
            owner.getStylesheets().add(WorkbenchApp.class.getResource("/css/workbench.css").toExternalForm());
            javafx.stage.Stage s = EvalView.window(view, owner);
            s.show();
            return s;
        });
        try {
            assertNotNull(fx(view::start));
            WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> view.outcomeProperty().get() != null);
            WaitForAsyncUtils.waitForFxEvents();
            // the longest read-out: the class pair with the longest names
            String[] names = ClassNames.of(Task.SEMSEG, SEMSEG_CLASSES);
            int longest = 0;
            for (int k = 1; k < names.length; k++) {
                longest = names[k].length() > names[longest].length() ? k : longest;
            }
            int k = longest;
            fx(() -> {
                view.hoverCell((k + 0.5) / SEMSEG_CLASSES, (k + 0.5) / SEMSEG_CLASSES);
                return null;
            });
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(view.cellText().getText().startsWith("label " + names[k]), view.cellText().getText());
            List<String> problems = new java.util.ArrayList<>(fx(() -> LayoutCheck.problems(stage.getScene())));
            // every column of the per-class table is in view, none scrolled off its right edge
            double columns = fx(() -> view.table().getVisibleLeafColumns().stream().mapToDouble(c -> c.getWidth()).sum());
            double room = fx(() -> {
                var flow = (javafx.scene.layout.Region) view.table().lookup(".virtual-flow");
                return flow.getWidth() - view.table().lookupAll(".scroll-bar").stream().filter(n -> n.isVisible()
                        && ((javafx.scene.control.ScrollBar) n).getOrientation() == javafx.geometry.Orientation.VERTICAL)
                        .mapToDouble(n -> ((javafx.scene.control.ScrollBar) n).getWidth()).sum();
            });
            if (columns > room + 1) {
                problems.add("per-class table columns need " + Math.round(columns) + " px, the table shows " + Math.round(room) + ": "
                        + fx(() -> view.table().getVisibleLeafColumns().stream().map(c -> c.getText() + " " + Math.round(c.getWidth())).toList()));
            }
            // the read-out under the matrix lies inside the window
            double bottom = fx(() -> view.cellText().localToScene(view.cellText().getLayoutBounds()).getMaxY());
            if (bottom > EvalView.HEIGHT) {
                problems.add("hover read-out ends at y " + Math.round(bottom) + " below the " + EvalView.HEIGHT + " px window");
            }
            assertEquals(List.of(), problems, String.join("\n", problems));
        } finally {
            fx(() -> {
                stage.close();
                return null;
            });
        }
    }

    @Test
    void withoutAModelOrAFolderTheViewSaysWhatIsMissing() throws Exception {
        EvalView view = fx(() -> new EvalView(state));
        assertNull(fx(view::start));
        assertTrue(view.status().getText().startsWith("No model"), view.status().getText());
        fx(() -> {
            view.setCheckpoint(dir.resolve("some.params"));
            view.useFolder(null);
            return null;
        });
        assertNull(fx(view::start));
        assertTrue(view.status().getText().startsWith("No dataset folder"), view.status().getText());
    }
}
