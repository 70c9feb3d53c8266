package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.util.ConfigException;
import org.kemwb.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    Path dir;

    static TrainConfig small() {
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        return new TrainConfig(m, 12, 4, 1e-3, 1e-4, 2, 0.9, 1, 4, 1, 1, 16, 4, "cpu", Map.of(), "", 1.0);
    }

    @Test
    void cancelThenResumeLosesAndDuplicatesNoStep() throws Exception {
        Path run = dir.resolve("run");
        TrainConfig cfg = small();
        TrainingRun first = TrainingRun.create(run, cfg);
        AtomicInteger rows = new AtomicInteger();
        // cancel after step 6 was logged: the last checkpoint is at step 4
        var status = first.run(r -> rows.incrementAndGet(), () -> rows.get() >= 7);
        assertEquals(RunStatus.CANCELLED, status);
        // simulate a crash that tore the last line of metrics.csv
        Files.writeString(run.resolve("metrics.csv"), "9,train,0.1", java.nio.file.StandardOpenOption.APPEND);
        var resumed = TrainingRun.open(run).run(r -> { }, () -> false);
        assertEquals(RunStatus.FINISHED, resumed);
        List<Map<String, String>> metrics = TrainingRun.readMetrics(run);
        List<String> trainSteps = metrics.stream().filter(r -> r.get("kind").equals("train")).map(r -> r.get("step")).toList();
        List<String> evalSteps = metrics.stream().filter(r -> r.get("kind").equals("eval")).map(r -> r.get("step")).toList();
        List<String> expected = java.util.stream.IntStream.rangeClosed(1, 12).mapToObj(Integer::toString).toList();
        assertEquals(expected, trainSteps, "every step logged exactly once (logEvery 1 at these settings)");
        assertEquals(List.of("4", "8", "12"), evalSteps);
        var json = Json.MAPPER.readTree(run.resolve("run.json").toFile());
        assertEquals("finished", json.get("status").asText());
        assertEquals(12, json.get("step").asInt());
        assertTrue(Files.exists(run.resolve("best.params")) && Files.exists(run.resolve("last.optim")));
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "no temp files left");
        }
    }

    @Test
    void anOlderRunKeepsItsColumnsAndItsPooledConventionOnResume() throws Exception {
        Path run = dir.resolve("old");
        TrainConfig cfg = small();
        AtomicInteger rows = new AtomicInteger();
        assertEquals(RunStatus.CANCELLED, TrainingRun.create(run, cfg).run(r -> rows.incrementAndGet(), () -> rows.get() >= 6));
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = List.of(lines.getFirst().split(","));
        assertTrue(header.containsAll(List.of("depth_log_rmse", "depth_absrel", "convention")), header.toString());
        assertEquals("published", TrainingRun.readMetrics(run).stream().filter(r -> r.get("kind").equals("eval"))
                .findFirst().orElseThrow().get("convention"));
        // rewrite it as a run of an older version wrote it: without those three columns
        List<Integer> keep = new java.util.ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (!List.of("depth_log_rmse", "depth_absrel", "convention").contains(header.get(i))) {
                keep.add(i);
            }
        }
        StringBuilder old = new StringBuilder();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            old.append(String.join(",", keep.stream().map(i -> cells[i]).toList())).append('\n');
        }
        Files.writeString(run.resolve("metrics.csv"), old);
        TrainingRun reopened = TrainingRun.open(run);
        assertEquals(org.kemwb.metrics.MetricConvention.POOLED, reopened.convention());
        assertEquals(RunStatus.FINISHED, reopened.run(r -> { }, () -> false));
        List<String> after = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(lines.getFirst().split(",").length - 3, after.getFirst().split(",", -1).length);
        int width = after.getFirst().split(",", -1).length;
        assertTrue(after.stream().allMatch(l -> l.split(",", -1).length == width), "every row has the header's cells");
        List<Map<String, String>> evals = TrainingRun.readMetrics(run).stream().filter(r -> r.get("kind").equals("eval")).toList();
        assertEquals(List.of("4", "8", "12"), evals.stream().map(r -> r.get("step")).toList(), "old rows kept, new ones appended");
        assertTrue(evals.stream().allMatch(r -> !r.get("semseg_miou").isEmpty() && !r.containsKey("convention")));
    }

    @Test
    void metricsCsvHasEveryMetricOfTheSixTasksAndTheConvention() {
        TrainConfig all = small().withModel(small().model().withTasks(List.of(Task.values())));
        List<String> cols = TrainingRun.columns(all);
        assertTrue(cols.containsAll(List.of("semseg_miou", "parts_miou", "depth_rmse", "depth_log_rmse", "depth_absrel",
                "normals_mean_deg", "normals_median_deg", "normals_rmse_deg", "saliency_maxf", "saliency_miou",
                "edges_odsf", "edges_oisf", "edges_ap", "convention")), cols.toString());
        assertTrue(cols.stream().filter(TrainingRun::isMetric).count() == 13, cols.toString());
    }

    @Test
    void aSecondTrainerOfOneFolderFailsNamingIt() throws Exception {
        Path run = dir.resolve("busy");
        TrainingRun.create(run, small());
        try (RunLock other = RunLock.acquire(run)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainingRun.open(run).run(r -> { }, () -> false));
            assertTrue(e.getMessage().contains(run.toString()), e.getMessage());
        }
        assertEquals("created", Json.MAPPER.readTree(run.resolve("run.json").toFile()).get("status").asText(), "untouched");
    }

    @Test
    void aResumedJobReportsItsHistoryFirstThenEveryNewRow() throws Exception {
        Path run = dir.resolve("job");
        AtomicInteger seen = new AtomicInteger();
        List<String> first = new java.util.ArrayList<>();
        RunStatus status = org.kemwb.job.TrainingJob.start(run, small()).run(new org.kemwb.job.JobListener() {
            @Override
            public void progress(long done, long total) {
                assertEquals(12, total);
            }

            @Override
            public void rows(List<Map<String, String>> rows) {
                rows.forEach(r -> first.add(r.get("step") + "/" + r.get("kind")));
                seen.addAndGet(rows.size());
            }

            @Override
            public boolean isCancelled() {
                return seen.get() >= 7; // after step 6; the last checkpoint is at step 4
            }
        });
        assertEquals(RunStatus.CANCELLED, status);
        List<List<String>> batches = new java.util.ArrayList<>();
        long[] lastProgress = new long[2];
        RunStatus resumed = org.kemwb.job.TrainingJob.resume(run).run(new org.kemwb.job.JobListener() {
            @Override
            public void progress(long done, long total) {
                lastProgress[0] = done;
                lastProgress[1] = total;
            }

            @Override
            public void rows(List<Map<String, String>> rows) {
                batches.add(rows.stream().map(r -> r.get("step") + "/" + r.get("kind")).toList());
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
        assertEquals(RunStatus.FINISHED, resumed);
        assertEquals(List.of("1/train", "2/train", "3/train", "4/train", "4/eval"), batches.getFirst(), "history: rows up to the checkpoint");
        assertEquals(List.of("5/train"), batches.get(1), "then each new row");
        assertEquals(12, lastProgress[0]);
        assertEquals(12, lastProgress[1]);
    }

    @Test
    void badConfigValuesNameTheKeyAndRange() {
        var node = Json.MAPPER.createObjectNode().put("batch", 0);
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.fromJson(node, "cfg.json"));
        assertEquals("cfg.json: batch = 0: must be in [1, 4096]", e.getMessage());
        var unknown = Json.MAPPER.createObjectNode().put("bacth", 3);
        ConfigException e2 = assertThrows(ConfigException.class, () -> TrainConfig.fromJson(unknown, "cfg.json"));
        assertTrue(e2.getMessage().startsWith("cfg.json: bacth: unknown key (allowed: "), e2.getMessage());
        var model = Json.MAPPER.createObjectNode();
        model.putObject("model").put("dim", 30).put("heads", 4);
        ConfigException e3 = assertThrows(ConfigException.class, () -> TrainConfig.fromJson(model, "cfg.json"));
        assertEquals("cfg.json: model.dim = 30: must be divisible by heads (4)", e3.getMessage());
    }
}
