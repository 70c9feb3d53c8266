package org.kemwb.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.Json;

/** The runs found in the runs folders: a table read in the background; open a run's best checkpoint in Inspect. */
public final class RunsView extends VBox {
    /** One row of the table; plain strings read from run.json and the last eval row. */
    public record RunRow(Path dir, String name, String interaction, String tasks, String status, String step,
            String metrics, Map<String, Double> values, String deltaM) {
        RunRow withDeltaM(String d) {
            return new RunRow(dir, name, interaction, tasks, status, step, metrics, values, d);
        }
    }

    private final WorkbenchState state;
    private final List<Path> folders;
    private final TableView<RunRow> table = new TableView<>();
    private final Label info = new Label();
    private final javafx.scene.control.ComboBox<String> column = new javafx.scene.control.ComboBox<>();
    private final org.jfree.data.xy.XYSeriesCollection curves = new org.jfree.data.xy.XYSeriesCollection();

    public RunsView(WorkbenchState state, List<Path> folders, Runnable showInspect) {
        this.state = state;
        this.folders = folders;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        table.setId("runs-table");
        table.getColumns().add(column("Run", RunRow::name));
        table.getColumns().add(column("Interaction", RunRow::interaction));
        table.getColumns().add(column("Tasks", RunRow::tasks));
        table.getColumns().add(column("Status", RunRow::status));
        table.getColumns().add(column("Step", RunRow::step));
        table.getColumns().add(column("Last eval", RunRow::metrics));
        table.getColumns().add(column("Δm vs single-task", RunRow::deltaM));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        VBox.setVgrow(table, Priority.ALWAYS);
        column.getItems().setAll("loss", "semseg_miou", "depth_rmse", "normals_mean_deg", "lr");
        column.setValue("loss");
        column.setOnAction(e -> plotSelected());
        table.getSelectionModel().getSelectedItems().addListener((javafx.collections.ListChangeListener<RunRow>) c -> plotSelected());
        var chart = org.jfree.chart.ChartFactory.createXYLineChart(null, "step", null, curves);
        var plot = (org.jfree.chart.plot.XYPlot) chart.getPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        var viewer = new org.jfree.chart.fx.ChartViewer(chart);
        viewer.setId("runs-chart");
        viewer.setPrefHeight(320);
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> refresh());
        Button open = new Button("Open best checkpoint in Inspect");
        open.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        open.setOnAction(e -> {
            RunRow r = table.getSelectionModel().getSelectedItem();
            Path best = r.dir().resolve("best.params");
            state.openCheckpoint(Files.exists(best) ? best : r.dir().resolve("last.params"), WorkbenchState.Slot.PRIMARY);
            showInspect.run();
        });
        Button resume = new Button("Resume");
        resume.setId("runs-resume");
        resume.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        resume.setOnAction(e -> resume(table.getSelectionModel().getSelectedItem()));
        // layout (issue 16): controls wrap, the folder list wraps, columns fit their text
        table.getItems().addListener((javafx.collections.ListChangeListener<RunRow>) c -> Layouts.fitColumns(table));
        getChildren().addAll(Layouts.row(refresh, open, resume), Layouts.wrapping(info), table,
                Layouts.row(new Label("Compare the selected runs (Ctrl+click) on"), column), viewer);
        refresh();
    }

    /** Curves of the chosen column for every selected run (read in the background). */
    private void plotSelected() {
        List<RunRow> selected = List.copyOf(table.getSelectionModel().getSelectedItems());
        String key = column.getValue();
        Task<List<org.jfree.data.xy.XYSeries>> task = new Task<>() {
            @Override
            protected List<org.jfree.data.xy.XYSeries> call() throws IOException {
                List<org.jfree.data.xy.XYSeries> out = new ArrayList<>();
                for (RunRow r : selected) {
                    if (r == null) {
                        continue;
                    }
                    var s = new org.jfree.data.xy.XYSeries(r.name() + " " + key, true, false);
                    String kind = TrainingRun.isMetric(key) ? "eval" : "train";
                    for (Map<String, String> row : TrainingRun.readMetrics(r.dir())) {
                        String v = row.get(key);
                        if (kind.equals(row.get("kind")) && v != null && !v.isEmpty()) {
                            s.add(Double.parseDouble(row.get("step")), Double.parseDouble(v));
                        }
                    }
                    out.add(s);
                }
                return out;
            }
        };
        task.setOnSucceeded(e -> {
            curves.removeAllSeries();
            task.getValue().forEach(curves::addSeries);
        });
        state.jobs().onOwnThread(task, "kemwb-runs-curves");
    }

    /** Continues a run from its last checkpoint in the background (status bar shows progress; Cancel stops it). */
    void resume(RunRow row) {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Task<String> task = new Task<>() {
            @Override
            protected String call() throws Exception {
                updateMessage("Resuming " + row.name());
                TrainingRun run = TrainingRun.open(row.dir());
                String status = run.run(r -> updateProgress(Long.parseLong(r.get("step")), run.config().steps()), stop::get);
                updateMessage("Run " + row.name() + ": " + status);
                return status;
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                stop.set(true); // cooperative: the run records "cancelled" (see TrainView)
                return true;
            }
        };
        task.setOnSucceeded(e -> refresh());
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-resume");
    }

    /** Number of curves on the comparison chart (tests). */
    public int curveCount() {
        return curves.getSeriesCount();
    }

    private static TableColumn<RunRow, String> column(String title, java.util.function.Function<RunRow, String> value) {
        TableColumn<RunRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return c;
    }

    public TableView<RunRow> table() {
        return table;
    }

    public void refresh() {
        Task<List<RunRow>> task = new Task<>() {
            @Override
            protected List<RunRow> call() {
                List<RunRow> rows = new ArrayList<>();
                for (Path folder : folders) {
                    if (!Files.isDirectory(folder)) {
                        continue;
                    }
                    try (Stream<Path> dirs = Files.list(folder)) {
                        dirs.filter(d -> Files.isRegularFile(d.resolve(TrainingRun.RUN_JSON))).sorted().forEach(d -> rows.add(read(d)));
                    } catch (IOException e) {
                        // unreadable folder: nothing to list there
                    }
                }
                return rows;
            }
        };
        task.setOnSucceeded(e -> {
            table.getItems().setAll(withDeltaM(task.getValue()));
            info.setText(task.getValue().size() + " runs in " + folders);
        });
        state.jobs().onOwnThread(task, "kemwb-runs");
    }

    /**
     * Δm of every multi-task run against the single-task runs in the list (interaction none, one
     * task each), when those cover its metrics.
     */
    static List<RunRow> withDeltaM(List<RunRow> rows) {
        Map<String, Double> stl = new java.util.HashMap<>();
        for (RunRow r : rows) {
            if (r.interaction().equals("none") && !r.tasks().contains(",")) {
                stl.putAll(r.values());
            }
        }
        List<RunRow> out = new ArrayList<>();
        for (RunRow r : rows) {
            boolean multi = r.tasks().contains(",");
            double d = multi && stl.keySet().containsAll(r.values().keySet()) ? org.kemwb.metrics.DeltaM.of(r.values(), stl) : Double.NaN;
            out.add(r.withDeltaM(Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%+.2f", d)));
        }
        return out;
    }

    /** A run folder as a table row; a corrupt run.json becomes a row that says so. */
    static RunRow read(Path dir) {
        try {
            JsonNode json = Json.MAPPER.readTree(dir.resolve(TrainingRun.RUN_JSON).toFile());
            JsonNode model = json.path("config").path("model");
            List<String> tasks = new ArrayList<>();
            model.path("tasks").forEach(t -> tasks.add(t.asText()));
            String metrics = "";
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            List<Map<String, String>> rows = TrainingRun.readMetrics(dir);
            for (Map<String, String> r : rows) {
                if ("eval".equals(r.get("kind"))) {
                    StringBuilder sb = new StringBuilder();
                    values.clear();
                    r.forEach((k, v) -> {
                        if (!v.isEmpty() && TrainingRun.isMetric(k)) {
                            sb.append(k).append(' ').append(v).append("  ");
                            values.put(k, Double.parseDouble(v));
                        }
                    });
                    metrics = sb.toString().trim();
                }
            }
            return new RunRow(dir, dir.getFileName().toString(), model.path("interaction").asText("?"),
                    String.join(", ", tasks), json.path("status").asText("?"), json.path("step").asText("?"), metrics,
                    Map.copyOf(values), "");
        } catch (IOException | RuntimeException e) {
            return new RunRow(dir, dir.getFileName().toString(), "?", "?", "unreadable: " + WorkbenchState.message(e), "", "",
                    Map.of(), "");
        }
    }
}
