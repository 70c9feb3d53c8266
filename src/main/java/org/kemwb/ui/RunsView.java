package org.kemwb.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.prefs.Preferences;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kemwb.job.TrainingJob;
import org.kemwb.runs.MetricNames;
import org.kemwb.runs.RunWatcher;
import org.kemwb.train.RunStatus;
import org.kemwb.train.TrainingRun;

/**
 * The runs in the watched folders (the workbench's runs folder, the samples, and any folder the
 * user adds, e.g. a cluster's file system mounted locally), kept up to date while the page is
 * shown: run.json and metrics.csv are polled every 2 s in the background ({@link RunWatcher}),
 * new runs appear, curves grow, and the status says running, finished, failed, cancelled,
 * interrupted (crashed: run.json says running, nobody holds its lock) or stalled (no new row for
 * 10 min). Select runs to compare them on one metric; open a run's best checkpoint in Inspect;
 * resume a run on the Train page.
 */
public final class RunsView extends VBox {
    /** One row of the table; plain strings read from run.json and the last eval row. */
    public record RunRow(Path dir, String name, String interaction, String tasks, String status, String step,
            String metrics, Map<String, Double> values, String deltaM) {
        RunRow withDeltaM(String d) {
            return new RunRow(dir, name, interaction, tasks, status, step, metrics, values, d);
        }
    }

    /** Start of the "Last eval" text of a run evaluated under the pooled convention (older runs). */
    static final String POOLED_TAG = "(pooled) ";
    /** How often folders are polled while the page is shown. */
    static final Duration POLL = Duration.seconds(2);
    private static final java.time.Duration STALL_AFTER = java.time.Duration.ofMinutes(10);
    private static final Preferences PREFS = Preferences.userNodeForPackage(RunsView.class).node("runs");

    private final WorkbenchState state;
    private final Consumer<String> showPage;
    private final RunWatcher watcher = new RunWatcher(Clock.systemUTC(), STALL_AFTER);
    private final TableView<RunRow> table = new TableView<>();
    private final Label info = new Label();
    private final ComboBox<String> column = new ComboBox<>();
    private final CurveChart chart;
    private final Timeline poller = new Timeline(new KeyFrame(POLL, e -> refresh()));
    private final AtomicBoolean polling = new AtomicBoolean();
    private final List<Path> folders = new ArrayList<>();
    /** What the last poll found, by folder. */
    private Map<Path, RunWatcher.RunInfo> infos = Map.of();
    private Map<Path, Long> plottedVersions = Map.of();
    private String plottedColumn = "";
    private boolean restoringSelection;
    private long polls;

    public RunsView(WorkbenchState state, List<Path> initialFolders, Consumer<String> showPage) {
        this.state = state;
        this.showPage = showPage;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        chart = new CurveChart("runs", state.jobs());
        initialFolders.forEach(this::watch);
        for (String f : PREFS.get("folders", "").split("\n")) {
            if (!f.isBlank()) {
                watch(Path.of(f));
            }
        }
        table.setId("runs-table");
        // the results first (Δm, then one line per task in Last eval), so that they are on screen at 1024x700
        table.getColumns().add(column("Run", RunRow::name));
        table.getColumns().add(column("Interaction", RunRow::interaction));
        table.getColumns().add(column("Δm vs single-task", RunRow::deltaM));
        table.getColumns().add(column("Last eval", RunRow::metrics));
        table.getColumns().add(column("Status", RunRow::status));
        table.getColumns().add(column("Step", RunRow::step));
        table.getColumns().add(column("Tasks", RunRow::tasks));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPrefHeight(240);
        column.setId("runs-column");
        column.getItems().setAll("loss", "semseg_miou", "parts_miou", "saliency_miou", "saliency_maxf", "depth_rmse",
                "depth_log_rmse", "depth_absrel", "normals_mean_deg", "normals_median_deg", "normals_rmse_deg",
                "edges_odsf", "edges_oisf", "edges_ap", "lr");
        column.setValue("loss");
        column.setOnAction(e -> plotSelected(true));
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<RunRow>) c -> {
            if (!restoringSelection) {
                plotSelected(true);
            }
        });
        VBox.setVgrow(chart, Priority.ALWAYS);
        Button add = new Button("Add folder…");
        add.setId("runs-add-folder");
        add.setOnAction(e -> chooseFolder());
        Button open = new Button("Open best checkpoint in Inspect");
        open.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        open.setOnAction(e -> openCheckpoint(table.getSelectionModel().getSelectedItem(), WorkbenchState.Slot.PRIMARY));
        Button compareWith = new Button("Open as comparison model");
        compareWith.setTooltip(new javafx.scene.control.Tooltip(
                "Loads the run's best checkpoint as the comparison model (Attention shows it beside the primary one)"));
        compareWith.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        compareWith.setOnAction(e -> openCheckpoint(table.getSelectionModel().getSelectedItem(), WorkbenchState.Slot.COMPARISON));
        Button resume = new Button("Resume");
        resume.setId("runs-resume");
        // a finished run has nothing left to train (issue 9): no Resume, and run.json stays untouched
        resume.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull()
                .or(state.jobs().trainingProperty().isNotNull())
                .or(javafx.beans.binding.Bindings.createBooleanBinding(
                        () -> isFinished(table.getSelectionModel().getSelectedItem()),
                        table.getSelectionModel().selectedItemProperty())));
        resume.setOnAction(e -> resume(table.getSelectionModel().getSelectedItem()));
        info.setId("runs-info");
        // layout (issue 16): controls wrap, the folder list wraps, columns fit their text
        table.getItems().addListener((javafx.collections.ListChangeListener<RunRow>) c -> Layouts.fitColumns(table));
        getChildren().addAll(Layouts.row(add, open, compareWith, resume), Layouts.wrapping(info), table,
                Layouts.row(new Label("Compare the selected runs (Ctrl+click) on"), column), chart);
        poller.setCycleCount(Animation.INDEFINITE);
        // poll only while the page is shown (pages leave the scene when another is shown)
        sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                refresh();
                poller.play();
            } else {
                poller.stop();
            }
        });
        refresh();
    }

    private void watch(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        if (!folders.contains(abs)) {
            folders.add(abs);
        }
    }

    private void chooseFolder() {
        javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
        dc.setTitle("Watch a folder of runs");
        java.io.File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            addFolder(f.toPath());
            List<String> kept = new ArrayList<>(List.of(PREFS.get("folders", "").split("\n")));
            kept.removeIf(String::isBlank);
            if (!kept.contains(f.getAbsolutePath())) {
                kept.add(f.getAbsolutePath());
                PREFS.put("folders", String.join("\n", kept));
            }
        }
    }

    /** Watches one more folder (its runs appear at the next poll, which starts now). */
    public void addFolder(Path folder) {
        watch(folder);
        refresh();
    }

    /** Folders watched, in order. */
    public List<Path> folders() {
        return List.copyOf(folders);
    }

    /** Polls now in the background (no-op while a poll is under way). Runs by itself every 2 s while shown. */
    public void refresh() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        List<Path> watched = List.copyOf(folders);
        Task<List<RunWatcher.RunInfo>> task = new Task<>() {
            @Override
            protected List<RunWatcher.RunInfo> call() {
                synchronized (watcher) {
                    for (Path f : watched) {
                        watcher.addFolder(f);
                    }
                    return watcher.poll();
                }
            }
        };
        task.setOnSucceeded(e -> {
            polling.set(false);
            show(task.getValue());
        });
        task.setOnFailed(e -> polling.set(false));
        task.setOnCancelled(e -> polling.set(false));
        state.jobs().background(task, "kemwb-runs-watch");
    }

    /** Number of polls shown so far (tests). */
    public long polls() {
        return polls;
    }

    private void show(List<RunWatcher.RunInfo> found) {
        polls++;
        Map<Path, RunWatcher.RunInfo> byDir = new LinkedHashMap<>();
        List<RunRow> rows = new ArrayList<>();
        for (RunWatcher.RunInfo i : found) {
            byDir.put(i.dir(), i);
            rows.add(row(i));
        }
        infos = byDir;
        List<RunRow> withDelta = withDeltaM(rows);
        Set<Path> selected = new HashSet<>();
        table.getSelectionModel().getSelectedItems().forEach(r -> selected.add(r.dir()));
        if (!withDelta.equals(table.getItems())) {
            restoringSelection = true;
            try {
                table.getItems().setAll(withDelta);
                for (int i = 0; i < withDelta.size(); i++) {
                    if (selected.contains(withDelta.get(i).dir())) {
                        table.getSelectionModel().select(i);
                    }
                }
            } finally {
                restoringSelection = false;
            }
        }
        info.setText(found.size() + " runs in " + folders.size() + " folders");
        plotSelected(false);
    }

    /** Curves of the chosen column for every selected run; redrawn only when a run's files changed. */
    private void plotSelected(boolean force) {
        String key = column.getValue();
        Map<Path, Long> versions = new LinkedHashMap<>();
        List<RunWatcher.RunInfo> selected = new ArrayList<>();
        for (RunRow r : table.getSelectionModel().getSelectedItems()) {
            RunWatcher.RunInfo i = r == null ? null : infos.get(r.dir());
            if (i != null) {
                selected.add(i);
                versions.put(i.dir(), i.version());
            }
        }
        if (!force && versions.equals(plottedVersions) && key.equals(plottedColumn)) {
            return;
        }
        plottedVersions = versions;
        plottedColumn = key;
        // offer every numeric column the selected runs logged
        List<String> columns = new ArrayList<>(List.of("loss"));
        for (RunWatcher.RunInfo i : selected) {
            for (String c : i.metrics().numericColumns()) {
                if (!columns.contains(c) && !c.equals("step_ms")) {
                    columns.add(c);
                }
            }
        }
        if (!selected.isEmpty() && !columns.equals(column.getItems())) {
            column.setOnAction(null);
            column.getItems().setAll(columns);
            column.setValue(columns.contains(key) ? key : "loss");
            column.setOnAction(e -> plotSelected(true));
        }
        List<CurveChart.Line> lines = new ArrayList<>();
        for (RunWatcher.RunInfo i : selected) {
            lines.add(new CurveChart.Line(i.name(), "", i.configWithoutSeed(), i.metrics().curve(key)));
        }
        chart.setLines(MetricNames.axisLabel(key), lines);
    }

    /** Checkpoint files a run folder may hold, best first: the workbench's .params, the PyTorch trainer's .npz, TorchScript. */
    static final List<String> CHECKPOINTS = List.of("best.params", "best.npz", "best.pt", "last.params", "last.npz", "last.pt");

    /** The run's best checkpoint (or its last), in any format the workbench opens; null if it has none yet. */
    static Path checkpointOf(Path dir) {
        for (String name : CHECKPOINTS) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return null;
    }

    private void openCheckpoint(RunRow r, WorkbenchState.Slot slot) {
        Path file = checkpointOf(r.dir());
        if (file == null) {
            state.errorProperty().set("run " + r.dir() + " has no checkpoint yet (" + String.join(", ", CHECKPOINTS) + ")");
            return;
        }
        state.openCheckpoint(file, slot);
        showPage.accept(slot == WorkbenchState.Slot.PRIMARY ? "Inspect" : "Attention");
    }

    /**
     * Continues a run from its last checkpoint as the workbench's training run, and shows it live on Train;
     * a finished run is left alone (run.json not rewritten) and the error line says so.
     */
    void resume(RunRow row) {
        if (isFinished(row)) {
            state.errorProperty().set("run " + row.name() + " already finished at step " + row.step() + "; nothing to resume");
            return;
        }
        try {
            state.jobs().train(TrainingJob.resume(row.dir()));
            showPage.accept("Train");
        } catch (IllegalStateException e) {
            state.errorProperty().set(e.getMessage());
        }
    }

    /** True when a row's run.json says the run finished (its status word or a synonym such as "completed"). */
    static boolean isFinished(RunRow row) {
        return row != null && RunStatus.parse(row.status()).orElse(null) == RunStatus.FINISHED;
    }

    /** Number of runs drawn on the comparison chart (tests). */
    public int curveCount() {
        return chart.lines().size();
    }

    public CurveChart chart() {
        return chart;
    }

    private static TableColumn<RunRow, String> column(String title, java.util.function.Function<RunRow, String> value) {
        TableColumn<RunRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return c;
    }

    public TableView<RunRow> table() {
        return table;
    }

    /**
     * Δm of every multi-task run against the single-task runs in the list (interaction none, one
     * task each), when those cover its metrics.
     */
    static List<RunRow> withDeltaM(List<RunRow> rows) {
        // single-task metrics per metric convention (older runs: pooled), never mixed
        Map<Boolean, Map<String, Double>> stlOf = Map.of(true, new java.util.HashMap<>(), false, new java.util.HashMap<>());
        for (RunRow r : rows) {
            if (r.interaction().equals("none") && !r.tasks().contains(",")) {
                stlOf.get(r.metrics().startsWith(POOLED_TAG)).putAll(r.values());
            }
        }
        List<RunRow> out = new ArrayList<>();
        for (RunRow r : rows) {
            Map<String, Double> stl = stlOf.get(r.metrics().startsWith(POOLED_TAG));
            boolean multi = r.tasks().contains(",");
            double d = multi && !r.values().isEmpty() && stl.keySet().containsAll(r.values().keySet())
                    ? org.kemwb.metrics.DeltaM.of(r.values(), stl) : Double.NaN;
            out.add(r.withDeltaM(Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%+.2f", d)));
        }
        return out;
    }

    /**
     * The "Last eval" text: every metric labelled with its unit ({@link MetricNames#valueText}),
     * one line per task in the order logged: "semseg mIoU 41.3 %", "depth RMSE 0.213 m · log
     * RMSE 0.0712 · abs rel 0.152".
     */
    static String evalText(Map<String, Double> values) {
        Map<String, List<String>> byTask = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            String text = MetricNames.valueText(k, v);
            int us = k.indexOf('_');
            String task = us < 0 ? "" : k.substring(0, us);
            String rest = !task.isEmpty() && text.startsWith(task + " ") ? text.substring(task.length() + 1) : text;
            byTask.computeIfAbsent(task, t -> new ArrayList<>()).add(rest);
        });
        List<String> lines = new ArrayList<>();
        byTask.forEach((task, parts) -> lines.add((task.isEmpty() ? "" : task + " ") + String.join(" · ", parts)));
        return String.join("\n", lines);
    }

    /** A watched run as a table row. */
    static RunRow row(RunWatcher.RunInfo i) {
        JsonNode model = i.config().path("model");
        List<String> tasks = new ArrayList<>();
        model.path("tasks").forEach(t -> tasks.add(t.asText()));
        Map<String, Double> values = i.metrics().lastValues(TrainingRun::isMetric);
        // an older run (no convention column) was scored pooled; Δm compares such runs only with each other
        boolean published = i.metrics().columns().contains(TrainingRun.CONVENTION);
        StringBuilder sb = new StringBuilder(published || values.isEmpty() ? "" : POOLED_TAG);
        sb.append(evalText(values));
        String status = i.statusText() + (i.error().isEmpty() ? "" : ": " + i.error());
        return new RunRow(i.dir(), i.name(), model.path("interaction").asText("?"), String.join(", ", tasks), status, i.step(),
                sb.toString().trim(), Map.copyOf(values), "");
    }
}
