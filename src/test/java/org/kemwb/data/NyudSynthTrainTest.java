package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.cli.KemwbCli;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;

/**
 * {@code kemwb data synth --layout nyud} writes NYUD-v2's layout at 480x640 with raw labels
 * 0..40 that the loader reads back as the rendered scene; the committed 4-scene set
 * (src/test/resources/nyud-synth4, written by {@code data synth --layout nyud --count 4 --seed 3})
 * trains and evaluates end to end at a reduced size.
 */
class NyudSynthTrainTest {
    static final Path SET = Path.of("src", "test", "resources", "nyud-synth4");
    static final Set<Task> TASKS = EnumSet.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS, Task.EDGES);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void synthWritesTheNyudLayoutThatReadsBackAsTheRenderedScene() throws Exception {
        Path out = dir.resolve("nyud");
        assertEquals(0, KemwbCli.execute(new PrintWriter(new StringWriter()), "data", "synth", "--layout", "nyud", "--out",
                out.toString(), "--count", "1", "--seed", "5"));
        FolderDataset d = new FolderDataset(out, "train", TASKS, FolderDataset.NYUD_CLASSES, 7);
        FolderDataset.Labels l = d.labels(0);
        assertEquals(640, l.width());
        assertEquals(480, l.height());
        Sample rendered = new SyntheticScenes(5).render(0, 640);
        int top = 80;
        int n = 640 * 640;
        int m = 640 * 480;
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int p = y * 640 + x;
                int q = (y + top) * 640 + x;
                int c = rendered.semseg()[q];
                int expected = c == Sample.IGNORE ? Sample.IGNORE : NyudLayout.RAW_LABEL[c] - 1;
                assertEquals(expected, l.semseg()[p], "class at " + x + "," + y);
                assertEquals(rendered.depth()[q], l.depth()[p], 0.0005f, "depth in mm at " + x + "," + y);
                assertEquals(rendered.edges()[q], l.edges()[p]);
                for (int k = 0; k < 3; k++) {
                    assertEquals(rendered.normals()[k * n + q], l.normals()[k * m + p], 0.02f, "normal at " + x + "," + y);
                }
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theCommittedSetTrainsAndEvaluatesEndToEnd() throws Exception {
        FolderDataset train = new FolderDataset(SET, "train", TASKS, FolderDataset.NYUD_CLASSES, 7);
        assertEquals(3, train.size());
        assertEquals(1, new FolderDataset(SET, "val", TASKS, FolderDataset.NYUD_CLASSES, 7).size());
        ModelConfig m = new ModelConfig(List.copyOf(TASKS), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2, 1.0,
                FolderDataset.NYUD_CLASSES, 7, 7L, ModelConfig.STEM, 0, false);
        // images at their own 480x640, scaled by 0.06-0.08 and cropped to the model's 32x32
        TrainConfig cfg = new TrainConfig(m, 12, 3, 2e-3, 1e-4, 2, 0.9, 1, 12, 1, 1, 3, 1, "cpu", Map.of(), SET.toString(), 0.08,
                1.0, 0.06);
        Path run = dir.resolve("run");
        assertEquals(org.kemwb.train.RunStatus.FINISHED, TrainingRun.create(run, cfg).run(r -> { }, () -> false));
        List<Map<String, String>> rows = TrainingRun.readMetrics(run);
        List<Double> losses = rows.stream().filter(r -> r.get("kind").equals("train")).map(r -> Double.parseDouble(r.get("loss"))).toList();
        assertEquals(12, losses.size());
        assertTrue(losses.getLast() < losses.getFirst(), "training lowers the loss: " + losses);
        Map<String, String> eval = rows.stream().filter(r -> r.get("kind").equals("eval")).reduce((a, b) -> b).orElseThrow();
        int metrics = 0;
        for (var e : eval.entrySet()) {
            if (TrainingRun.isMetric(e.getKey()) && !e.getValue().isEmpty()) {
                double v = Double.parseDouble(e.getValue());
                assertTrue(Double.isFinite(v), e.getKey() + " = " + v);
                metrics++;
            }
        }
        assertTrue(metrics >= 3, "semseg, depth and normals metrics on the validation scene: " + eval);
    }

    /**
     * NYUD-v2's training recipe at its real size: 480x640 images scaled by 0.5-2, cropped to
     * 448x576 and flipped, a tiny model at 448x576 (28x36 tokens); validation fitted into 448x576.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theCommittedSetTrainsAtNyudCropSize() throws Exception {
        ModelConfig m = new ModelConfig(List.copyOf(TASKS), InteractionKind.KEM, 32, 16, 16, 1, 1, 1, 1, 4, 2, 1.0,
                FolderDataset.NYUD_CLASSES, 7, 7L, ModelConfig.STEM, 0, false, 0, 448, 576);
        TrainConfig cfg = new TrainConfig(m, 2, 1, 1e-3, 1e-4, 1, 0.9, 1, 2, 1, 1, 3, 1, "cpu", Map.of(), SET.toString(), 2.0,
                1.0, 0.5);
        Path run = dir.resolve("run448");
        assertEquals(org.kemwb.train.RunStatus.FINISHED, TrainingRun.create(run, cfg).run(r -> { }, () -> false));
        List<Map<String, String>> rows = TrainingRun.readMetrics(run);
        assertEquals(2, rows.stream().filter(r -> r.get("kind").equals("train")).count());
        for (Map<String, String> r : rows) {
            if (r.get("kind").equals("train")) {
                assertTrue(Double.isFinite(Double.parseDouble(r.get("loss"))), "loss " + r);
            }
        }
        Map<String, String> eval = rows.stream().filter(r -> r.get("kind").equals("eval")).reduce((a, b) -> b).orElseThrow();
        for (String k : List.of("semseg_miou", "depth_rmse", "normals_mean_deg")) {
            assertTrue(Double.isFinite(Double.parseDouble(eval.get(k))), k + " in " + eval);
        }
        var saved = org.kemwb.model.Checkpoint.readHeader(run.resolve("last.params")).config();
        assertEquals(448, saved.height());
        assertEquals(576, saved.width());
    }
}
