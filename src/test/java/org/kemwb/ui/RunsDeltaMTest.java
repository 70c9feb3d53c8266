package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Δm on the Runs page compares runs of one metric convention only (older runs: pooled). */
class RunsDeltaMTest {
    private static RunsView.RunRow row(String name, String interaction, String tasks, boolean pooled, Map<String, Double> v) {
        return new RunsView.RunRow(Path.of(name), name, interaction, tasks, "finished", "100",
                (pooled ? RunsView.POOLED_TAG : "") + v, v, "");
    }

    @Test
    void pooledAndPublishedRunsAreNeverMixed() {
        List<RunsView.RunRow> rows = List.of(
                row("old-semseg", "none", "semseg", true, Map.of("semseg_miou", 40.0)),
                row("old-depth", "none", "depth", true, Map.of("depth_rmse", 1.0)),
                row("new-semseg", "none", "semseg", false, Map.of("semseg_miou", 50.0)),
                row("new-depth", "none", "depth", false, Map.of("depth_rmse", 0.5)),
                // against the pooled baselines: mIoU +10 %, RMSE -10 % (better) -> +10
                row("old-kem", "kem", "semseg, depth", true, Map.of("semseg_miou", 44.0, "depth_rmse", 0.9)),
                // against the published baselines: mIoU +20 %, RMSE +10 % (worse) -> +5
                row("new-kem", "kem", "semseg, depth", false, Map.of("semseg_miou", 60.0, "depth_rmse", 0.55)));
        List<RunsView.RunRow> out = RunsView.withDeltaM(rows);
        assertEquals("+10.00", out.get(4).deltaM());
        assertEquals("+5.00", out.get(5).deltaM());
        assertEquals("", out.get(0).deltaM());
    }

    @Test
    void lastEvalShowsEveryMetricLabelledWithItsUnit() {
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        values.put("semseg_miou", 41.2765);
        values.put("depth_rmse", 0.21349);
        values.put("depth_log_rmse", 0.0712345);
        values.put("depth_absrel", 0.15234);
        values.put("normals_mean_deg", 24.06);
        values.put("edges_odsf", 55.54);
        assertEquals("semseg mIoU 41.3 %\ndepth RMSE 0.213 m · log RMSE 0.07123 · abs rel 0.1523\nnormals mean angle 24.1°\n"
                + "edges ODS F 55.5 %", RunsView.evalText(values));
    }
}
