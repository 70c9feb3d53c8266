package org.kemwb.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.kemwb.data.Batches;
import org.kemwb.data.FolderDataset;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.io.Csv;
import org.kemwb.metrics.DeltaM;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.Devices;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;
import org.kemwb.util.AtomicFiles;
import org.kemwb.util.Json;

/**
 * A training run in a folder: {@code run.json} (config, versions, status), {@code metrics.csv}
 * (one row per logged step and per eval), {@code last.params}/{@code last.optim} and
 * {@code best.params}. Every file is replaced atomically; {@code metrics.csv} is only appended
 * and, on resume, cut back to the last checkpointed step so no step is lost or duplicated.
 */
public final class TrainingRun {
    public static final String RUN_JSON = "run.json";
    public static final String METRICS = "metrics.csv";
    /** run.json's "trainer" of runs written by interop/pytorch/train.py (same folder layout, .npz checkpoints). */
    public static final String PYTORCH_TRAINER = "pytorch";
    /** metrics.csv column naming the {@link MetricConvention} of an eval row. */
    public static final String CONVENTION = "convention";

    /** Receives every row written to metrics.csv (the GUI's live curves). */
    public interface Listener {
        void row(Map<String, String> row);

        /** The rows kept from before (a resumed run's history), once, before the first new row. */
        default void history(List<Map<String, String>> rows) {
        }
    }

    private final Path dir;
    private final TrainConfig config;
    private final List<String> columns;
    /**
     * What {@link #create} made (the folder itself when it did not exist, and the files it wrote):
     * removed again when the run fails before its first step, so a refused run leaves nothing. Empty
     * for an opened run. Never holds files that were there before.
     */
    private final List<Path> createdHere = new ArrayList<>();
    private boolean started;

    private TrainingRun(Path dir, TrainConfig config, List<String> columns) {
        this.dir = dir;
        this.config = config;
        this.columns = columns;
    }

    /**
     * An opened run keeps the columns it was created with (an older run has fewer metrics and no
     * convention column: its rows stay readable and it goes on being scored as it was).
     */
    private static List<String> existingColumns(Path dir, TrainConfig config) throws IOException {
        List<String> existing = headerOf(dir.resolve(METRICS));
        return existing.contains("step") && existing.contains("kind") ? existing : columns(config);
    }

    private static List<String> headerOf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().map(h -> List.of(h.split(",", -1))).orElse(List.of());
        } catch (java.io.UncheckedIOException e) {
            throw new IOException(file + ": not UTF-8 text (" + e.getCause().getMessage() + ")");
        }
    }

    /**
     * The metric convention of this run's evaluations: {@code PUBLISHED} for runs whose
     * metrics.csv has a {@code convention} column, {@code POOLED} for older runs (so one run's
     * curve never mixes conventions).
     */
    public MetricConvention convention() {
        return columns.contains(CONVENTION) ? MetricConvention.PUBLISHED : MetricConvention.POOLED;
    }

    /** Convention of one metrics.csv row: its {@code convention} cell, or POOLED for rows of older runs. */
    public static MetricConvention convention(Map<String, String> row) {
        String c = row.getOrDefault(CONVENTION, "");
        return c.isEmpty() ? MetricConvention.POOLED : MetricConvention.parse(c);
    }

    /**
     * A folder whose run failed before its first step (bad data, a refused setting): "created" in
     * run.json, no checkpoint and no lock held. A new run may take it over, so a retry with good
     * input needs no manual clean-up.
     */
    static boolean neverStarted(Path dir) {
        try {
            JsonNode node = Json.MAPPER.readTree(dir.resolve(RUN_JSON).toFile());
            return node != null && RunStatus.CREATED.id().equals(node.path("status").asText())
                    && !Files.exists(dir.resolve("last.params")) && !RunLock.isHeld(dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static TrainingRun create(Path dir, TrainConfig config) throws IOException {
        if (Files.exists(dir.resolve(RUN_JSON)) && !neverStarted(dir)) {
            throw new IOException("run folder " + dir + " already holds a run (use resume)");
        }
        TrainConfig valid = config.validatedForNewRun("config");
        TrainingRun run = new TrainingRun(dir, valid, columns(valid));
        if (!Files.exists(dir)) {
            run.createdHere.add(dir);
        }
        for (String f : List.of(RUN_JSON, METRICS, RunLock.FILE)) {
            if (!Files.exists(dir.resolve(f))) {
                run.createdHere.add(dir.resolve(f));
            }
        }
        try {
            Files.createDirectories(dir);
            run.writeStatus(RunStatus.CREATED, 0, null);
            AtomicFiles.writeString(dir.resolve(METRICS), Csv.line(run.columns));
        } catch (IOException | RuntimeException e) {
            run.removeCreated();
            throw e;
        }
        return run;
    }

    public static TrainingRun open(Path dir) throws IOException {
        Path file = dir.resolve(RUN_JSON);
        if (!Files.isRegularFile(file)) {
            throw new IOException("run folder " + dir + ": no " + RUN_JSON);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON: " + Json.firstLine(e.getMessage()));
        }
        if (node == null || !node.has("config")) {
            throw new IOException(file + " has no \"config\"");
        }
        if (PYTORCH_TRAINER.equals(node.path("trainer").asText())) {
            // its checkpoints are .npz + optimizer state of torch.optim: only the same trainer continues it
            throw new IOException("run folder " + dir + " was trained by interop/pytorch/train.py: resume it with"
                    + " `train.py --resume --run " + dir + "` (under torchrun or launch.py)");
        }
        TrainConfig config = TrainConfig.fromStoredJson(node.get("config"), file + ": config");
        return new TrainingRun(dir, config, existingColumns(dir, config));
    }

    public Path dir() {
        return dir;
    }

    public TrainConfig config() {
        return config;
    }

    static List<String> columns(TrainConfig c) {
        List<String> cols = new ArrayList<>(List.of("step", "kind", "lr", "loss"));
        for (Task t : c.model().tasks()) {
            cols.add("loss_" + t.id());
        }
        for (Task t : c.model().tasks()) {
            cols.addAll(Evaluator.metricNames(t));
        }
        cols.add(CONVENTION);
        cols.add("step_ms");
        return cols;
    }

    /**
     * Trains from the last checkpoint (or from scratch) to {@code config.steps}, holding the
     * folder's {@link RunLock} throughout. Returns the final status (finished, cancelled or failed).
     *
     * @throws IOException if another trainer holds the folder (the message names it), or on I/O errors
     */
    public RunStatus run(Listener listener, BooleanSupplier cancelled) throws IOException {
        try {
            try (RunLock lock = RunLock.acquire(dir)) {
                return runLocked(listener, cancelled);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (!started) {
                // refused before its first step (bad data, a setting the data contradicts): a new
                // run leaves no folder behind; a pre-existing folder keeps exactly what it had
                removeCreated();
            }
            throw e;
        }
    }

    /** Removes what {@link #create} made, files first, then the folder if it is empty; best effort. */
    private void removeCreated() {
        for (Path p : createdHere.reversed()) {
            try {
                if (p.equals(dir)) {
                    removeTempFiles();
                }
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // a folder that is not empty (someone wrote into it meanwhile) stays
            }
        }
        createdHere.clear();
    }

    private RunStatus runLocked(Listener listener, BooleanSupplier cancelled) throws IOException {
        removeTempFiles();
        Device device = Devices.resolve(config.device());
        int height = config.model().height();
        int width = config.model().width();
        PartialLabels partial = config.labelFraction() < 1
                ? new PartialLabels(config.model().tasks(), config.labelFraction(), config.dataSeed()) : null;
        TrainingImages train;
        List<Sample> val = new ArrayList<>();
        if (config.dataDir().isEmpty()) {
            // square scenes at the larger side; augmentation crops them to height x width
            int side = Math.max(height, width);
            SyntheticScenes scenes = new SyntheticScenes(config.dataSeed());
            List<Sample> rendered = new ArrayList<>();
            for (int i = 0; i < config.trainImages(); i++) {
                rendered.add(scenes.render(i, side));
            }
            train = TrainingImages.of(rendered, partial);
            for (int i = 0; i < config.valImages(); i++) {
                val.add(Augment.fit(scenes.render(config.trainImages() + i, side), height, width));
            }
        } else {
            var tasks = java.util.EnumSet.copyOf(config.model().tasks());
            Path data = Path.of(config.dataDir());
            int semseg = config.model().semsegClasses();
            int parts = config.model().partsClasses();
            // images at their own size: random scale and crop to the model size at every step
            train = TrainingImages.of(new FolderDataset(data, "train", tasks, semseg, parts), partial);
            FolderDataset valSet = new FolderDataset(data, "val", tasks, semseg, parts);
            for (int i = 0; i < valSet.size(); i++) {
                val.add(Augment.fit(valSet.loadNative(i), height, width));
            }
        }
        Path last = dir.resolve("last.params");
        LoadedModel model = Files.exists(last) ? Checkpoint.load(last, device)
                : LoadedModel.create(config.model(), device, config.seed(), null);
        try (model) {
            Map<Task, Double> weights = new EnumMap<>(Task.class);
            config.lossWeights().forEach((k, v) -> weights.put(Task.parse(k), v));
            StepTrainer trainer = new StepTrainer(model, new PolyLearningRate((float) config.lr(), config.warmup(),
                    config.steps(), config.polyPower()), (float) config.weightDecay(), weights);
            int start = 0;
            if (Files.exists(last)) {
                start = Integer.parseInt(Checkpoint.readHeader(last).metadata().getOrDefault("step", "0"));
                Path optim = dir.resolve("last.optim");
                if (Files.exists(optim)) {
                    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(optim)))) {
                        trainer.optimizer().load(in, model.manager(), trainer.trainableParameters());
                    }
                }
                trainer.setUpdates(start);
            }
            truncateMetrics(start);
            if (listener != null) {
                listener.history(readMetrics(dir));
            }
            writeStatus(RunStatus.RUNNING, start, null);
            started = true;
            createdHere.clear();
            double best = bestScore();
            for (int step = start + 1; step <= config.steps(); step++) {
                if (cancelled.getAsBoolean()) {
                    writeStatus(RunStatus.CANCELLED, step - 1, null);
                    return RunStatus.CANCELLED;
                }
                long t0 = System.nanoTime();
                SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + step);
                List<Sample> picks = new ArrayList<>();
                for (int i = 0; i < config.batch(); i++) {
                    Sample s = train.get(rnd.nextInt(train.size()));
                    picks.add(Augment.random(s, height, width, config.minScale(), config.maxScale(), rnd));
                }
                StepTrainer.StepLosses losses;
                try (NDManager scope = model.manager().newSubManager()) {
                    losses = trainer.step(scope, Batches.of(scope, picks, config.model().tasks()));
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (!Double.isFinite(losses.total())) {
                    writeStatus(RunStatus.FAILED, step - 1, "loss became " + losses.total() + " at step " + step);
                    return RunStatus.FAILED;
                }
                boolean eval = step % config.evalEvery() == 0 || step == config.steps();
                if (step % config.logEvery() == 0 || eval) {
                    Map<String, String> row = row(step, "train", losses.learningRate(), losses.total(), losses.perTask(), Map.of(), ms);
                    appendRow(row, listener);
                }
                if (eval) {
                    Map<String, Double> metrics = Evaluator.evaluate(model, val, config.batch(), convention());
                    Map<String, String> evalRow = row(step, "eval", losses.learningRate(), Double.NaN, Map.of(), metrics, Double.NaN);
                    if (evalRow.containsKey(CONVENTION)) {
                        evalRow.put(CONVENTION, convention().id());
                    }
                    appendRow(evalRow, listener);
                    double score = score(metrics);
                    Map<String, String> meta = Map.of("step", Integer.toString(step), "run", dir.getFileName().toString(),
                            org.kemwb.infer.TrainingData.KEY, org.kemwb.infer.TrainingData.of(config.dataDir()));
                    if (score > best) {
                        best = score;
                        Checkpoint.save(model, dir.resolve("best.params"), meta);
                    }
                    saveLast(model, trainer, meta);
                    writeStatus(RunStatus.RUNNING, step, null);
                }
            }
            writeStatus(RunStatus.FINISHED, config.steps(), null);
            return RunStatus.FINISHED;
        }
    }

    /** Deletes temp files a killed writer left behind (the targets themselves are intact). */
    private void removeTempFiles() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private void saveLast(LoadedModel model, StepTrainer trainer, Map<String, String> meta) throws IOException {
        // optimizer first: a crash between the two leaves a newer optimizer with older weights,
        // which resume tolerates (moments are a running average), never a missing file
        AtomicFiles.write(dir.resolve("last.optim"), out -> trainer.optimizer().save(new DataOutputStream(out)));
        Checkpoint.save(model, dir.resolve("last.params"), meta);
    }

    /**
     * Higher is better: sum over the tasks' primary metrics ({@link DeltaM#PRIMARY}) of mIoU/100,
     * ODS/100 and negated error terms (used for "best" only).
     */
    static double score(Map<String, Double> m) {
        double s = 0;
        for (var e : DeltaM.primary(m).entrySet()) {
            boolean percent = e.getKey().endsWith("miou") || e.getKey().endsWith("maxf") || e.getKey().endsWith("odsf");
            s += percent ? e.getValue() / 100 : -e.getValue() / (e.getKey().contains("deg") ? 90 : 1);
        }
        return s;
    }

    private double bestScore() {
        Path best = dir.resolve("best.params");
        if (!Files.exists(best)) {
            return Double.NEGATIVE_INFINITY;
        }
        // the best eval row at or before the checkpoint step
        double bestScore = Double.NEGATIVE_INFINITY;
        try {
            for (Map<String, String> r : readMetrics(dir)) {
                if ("eval".equals(r.get("kind"))) {
                    Map<String, Double> m = new java.util.LinkedHashMap<>();
                    r.forEach((k, v) -> {
                        if (isMetric(k) && !v.isEmpty()) {
                            m.put(k, Double.parseDouble(v));
                        }
                    });
                    bestScore = Math.max(bestScore, score(m));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NEGATIVE_INFINITY;
        }
        return bestScore;
    }

    /** Columns of metrics.csv that hold evaluation metrics. */
    public static boolean isMetric(String column) {
        return column.endsWith("miou") || column.endsWith("rmse") || column.endsWith("deg") || column.endsWith("maxf")
                || column.endsWith("absrel") || column.startsWith("edges_");
    }

    private Map<String, String> row(int step, String kind, float lr, double loss, Map<Task, Double> perTask,
            Map<String, Double> metrics, double ms) {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        for (String c : columns) {
            r.put(c, "");
        }
        r.put("step", Integer.toString(step));
        r.put("kind", kind);
        r.put("lr", fmt(lr));
        r.put("loss", fmt(loss));
        perTask.forEach((t, v) -> r.put("loss_" + t.id(), fmt(v)));
        metrics.forEach((k, v) -> {
            if (r.containsKey(k)) {
                r.put(k, fmt(v));
            }
        });
        r.put("step_ms", fmt(ms));
        return r;
    }

    private static String fmt(double v) {
        // + 0.0 turns -0.0 (a loss over no labelled pixel) into 0, never "-0.00000"
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v + 0.0);
    }

    private void appendRow(Map<String, String> row, Listener listener) throws IOException {
        org.kemwb.util.UiThreadGuard.check("run-folder write");
        String line = Csv.line(row.values());
        Files.writeString(dir.resolve(METRICS), line, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        if (listener != null) {
            listener.row(row);
        }
    }

    /** Keeps the header and complete rows with step <= lastStep (drops a torn last line). */
    private void truncateMetrics(int lastStep) throws IOException {
        Path file = dir.resolve(METRICS);
        StringBuilder kept = new StringBuilder(Csv.line(columns));
        if (Files.exists(file)) {
            List<List<String>> records = Csv.completeRecords(Files.readString(file), file.toString());
            for (List<String> cells : records.subList(Math.min(1, records.size()), records.size())) {
                if (cells.size() == columns.size() && cells.getFirst().matches("\\d{1,9}")
                        && Integer.parseInt(cells.getFirst()) <= lastStep) {
                    kept.append(Csv.line(cells));
                }
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }

    /**
     * Reads metrics.csv rows as column -> value maps (Commons CSV); a torn last line (no newline
     * yet: a run writing or killed mid-line) and rows of another width are skipped.
     *
     * @throws IOException naming the file when it cannot be read or is not CSV
     */
    public static List<Map<String, String>> readMetrics(Path dir) throws IOException {
        Path file = dir.resolve(METRICS);
        List<List<String>> records = Csv.completeRecords(Files.readString(file), file.toString());
        List<Map<String, String>> rows = new ArrayList<>();
        if (records.isEmpty()) {
            return rows;
        }
        List<String> header = records.getFirst();
        for (List<String> cells : records.subList(1, records.size())) {
            if (cells.size() != header.size()) {
                continue;
            }
            Map<String, String> r = new java.util.LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                r.put(header.get(c), cells.get(c));
            }
            rows.add(r);
        }
        return rows;
    }

    private void writeStatus(RunStatus status, int step, String error) throws IOException {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode written = Json.MAPPER.valueToTree(config);
        if (!config.dataDir().isEmpty()) {
            // the synthetic-scene counts are not used when a dataset folder gives the images
            written.remove(List.of("trainImages", "valImages"));
        }
        node.set("config", written);
        node.put("status", status.id());
        node.put("step", step);
        if (error != null) {
            node.put("error", error);
        }
        node.put("updated", Instant.now().toString());
        ObjectNode versions = node.putObject("versions");
        versions.put("kemwb", org.kemwb.util.Version.get());
        versions.put("djl", "0.33.0");
        versions.put("pytorch", "2.5.1");
        versions.put("java", System.getProperty("java.version"));
        AtomicFiles.writeString(dir.resolve(RUN_JSON), Json.MAPPER.writeValueAsString(node));
    }
}
