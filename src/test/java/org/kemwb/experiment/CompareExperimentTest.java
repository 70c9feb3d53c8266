package org.kemwb.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareExperimentTest {
    @TempDir
    Path dir;

    @Test
    void trainsSingleTaskBaselinesAndEachModuleAndWritesTheTable() throws Exception {
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        TrainConfig c = new TrainConfig(m, 4, 2, 1e-3, 1e-4, 0, 0.9, 2, 4, 1, 1, 8, 4, "cpu", Map.of(), "", 1.0);
        var rows = new CompareExperiment(c, List.of(InteractionKind.CA, InteractionKind.KEM)).run(dir, (n, r) -> { }, () -> false);
        assertEquals(List.of("stl", "ca", "kem"), rows.stream().map(CompareExperiment.Row::method).toList());
        assertTrue(Files.isDirectory(dir.resolve("stl-semseg")) && Files.isDirectory(dir.resolve("stl-depth")));
        assertEquals(java.util.Set.of("semseg_miou", "depth_rmse", "depth_log_rmse", "depth_absrel"), rows.getFirst().metrics().keySet(),
                "the single-task row joins the metrics of the per-task runs");
        assertTrue(Double.isFinite(rows.get(1).deltaM()) && Double.isFinite(rows.get(2).deltaM()));
        // Δm: one metric per task (semseg mIoU up, depth RMSE down), log-RMSE and abs-rel not counted
        var stl = rows.getFirst().metrics();
        var ca = rows.get(1).metrics();
        double expected = ((ca.get("semseg_miou") - stl.get("semseg_miou")) / stl.get("semseg_miou")
                - (ca.get("depth_rmse") - stl.get("depth_rmse")) / stl.get("depth_rmse")) / 2 * 100;
        assertEquals(expected, rows.get(1).deltaM(), 1e-9);
        List<String> csv = Files.readAllLines(dir.resolve("compare.csv"));
        assertEquals("method,semseg_miou,depth_rmse,depth_log_rmse,depth_absrel,delta_m", csv.getFirst());
        assertEquals(4, csv.size());
    }
}
