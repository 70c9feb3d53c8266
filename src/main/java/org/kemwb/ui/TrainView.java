package org.kemwb.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.kemwb.model.InteractionKind;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;

/**
 * Start, cancel and watch a training run: the run's settings with validation (the start button
 * says why it is disabled), and live loss curves fed by the run's row listener. Rows arrive on
 * the training thread and are drained into the chart at most every 100 ms on the FX thread.
 */
public final class TrainView extends VBox {
    private final WorkbenchState state;
    private final Path runsFolder;
    private final TextField name = new TextField();
    private final ComboBox<InteractionKind> interaction = new ComboBox<>();
    private final Spinner<Integer> steps = new Spinner<>(1, 1_000_000, 300, 50);
    private final Spinner<Integer> batch = new Spinner<>(1, 256, 8);
    private final TextField lr = new TextField("0.002");
    private final Button start = new Button("Start");
    private final Button cancel = new Button("Cancel");
    private final CheckBox logScale = new CheckBox("log scale");
    private final Label reason = new Label();
    private final XYSeriesCollection series = new XYSeriesCollection();
    private final ConcurrentLinkedQueue<Map<String, String>> pending = new ConcurrentLinkedQueue<>();
    private final JFreeChart chart;
    private Task<String> running;
    private final javafx.beans.property.BooleanProperty busy = new javafx.beans.property.SimpleBooleanProperty();
    private long lastDrain;
    private int pointCount;

    public TrainView(WorkbenchState state, Path runsFolder) {
        this.state = state;
        this.runsFolder = runsFolder;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        interaction.getItems().setAll(InteractionKind.values());
        interaction.setValue(InteractionKind.KEM);
        name.setText("run-" + System.currentTimeMillis() / 1000);
        name.setId("run-name");
        start.setId("train-start");
        cancel.setId("train-cancel");
        steps.setEditable(true);
        batch.setEditable(true);
        GridPane form = new GridPane(10, 6);
        form.addRow(0, new Label("Run name"), name, new Label("Interaction"), interaction);
        form.addRow(1, new Label("Steps"), steps, new Label("Batch"), batch);
        form.addRow(2, new Label("Learning rate"), lr);
        StringBinding problem = Bindings.createStringBinding(this::problem, name.textProperty(), lr.textProperty());
        reason.textProperty().bind(problem);
        reason.getStyleClass().add("validation");
        start.disableProperty().bind(problem.isNotEmpty().or(busy));
        start.setTooltip(new Tooltip());
        start.getTooltip().textProperty().bind(Bindings.when(problem.isEmpty()).then("Start training").otherwise(problem));
        start.setOnAction(e -> startRun());
        cancel.setDisable(true);
        cancel.setOnAction(e -> {
            if (running != null) {
                running.cancel();
            }
        });
        chart = ChartFactory.createXYLineChart("Training", "step", "loss", series, PlotOrientation.VERTICAL, true, true, false);
        logScale.setOnAction(e -> ((XYPlot) chart.getPlot()).setRangeAxis(logScale.isSelected() ? new LogAxis("loss") : new NumberAxis("loss")));
        XYPlot plot = (XYPlot) chart.getPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("train-chart");
        VBox.setVgrow(viewer, Priority.ALWAYS);
        Button export = new Button("Export…");
        export.setOnAction(e -> export());
        getChildren().addAll(form, new HBox(10, start, cancel, logScale, export, reason), viewer);
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (now - lastDrain > 100_000_000L && !pending.isEmpty()) {
                    lastDrain = now;
                    drain();
                }
            }
        }.start();
    }

    private void export() {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle("Export chart");
        fc.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("PNG image", "*.png"),
                new javafx.stage.FileChooser.ExtensionFilter("SVG image", "*.svg"),
                new javafx.stage.FileChooser.ExtensionFilter("CSV data", "*.csv"));
        java.io.File file = fc.showSaveDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting " + file.getName());
                ChartExport.save(chart, series, file.toPath(), 1200, 700);
                updateMessage("Exported " + file.getName());
                return null;
            }
        };
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
    }

    /** Why the run cannot start, or "" when it can. */
    private String problem() {
        String n = name.getText() == null ? "" : name.getText().trim();
        if (n.isEmpty() || !n.matches("[A-Za-z0-9._-]+")) {
            return "Run name: use letters, digits, '.', '_' or '-'";
        }
        if (Files.exists(runsFolder.resolve(n))) {
            return "Run name: " + runsFolder.resolve(n) + " exists";
        }
        try {
            double v = Double.parseDouble(lr.getText().trim());
            if (!(v > 0 && v <= 1)) {
                return "Learning rate must be in (0, 1]";
            }
        } catch (NumberFormatException ex) {
            return "Learning rate is not a number";
        }
        return "";
    }

    /** Number of points drawn so far (for tests and the status line). */
    public int pointCount() {
        return pointCount;
    }

    public Task<String> running() {
        return running;
    }

    private void startRun() {
        TrainConfig base = TrainConfig.defaults();
        var node = org.kemwb.util.Json.MAPPER.createObjectNode();
        node.put("steps", steps.getValue()).put("batch", batch.getValue()).put("lr", Double.parseDouble(lr.getText().trim()))
                .put("evalEvery", Math.max(1, steps.getValue() / 4)).put("logEvery", Math.max(1, Math.min(10, steps.getValue() / 20)))
                .put("device", state.deviceProperty().get());
        node.putObject("model").put("interaction", interaction.getValue().id());
        TrainConfig config = TrainConfig.fromJson(node, "train form");
        Path dir = runsFolder.resolve(name.getText().trim());
        series.removeAllSeries();
        byName.clear();
        pointCount = 0;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Task<String> task = new Task<>() {
            @Override
            protected String call() throws Exception {
                updateMessage("Training " + dir.getFileName());
                TrainingRun run = TrainingRun.create(dir, config);
                String status = run.run(row -> {
                    pending.add(row);
                    updateProgress(Long.parseLong(row.get("step")), config.steps());
                }, stop::get);
                updateMessage("Run " + dir.getFileName() + ": " + status);
                return status;
            }

            /**
             * Cancel asks the run to stop at the next step instead of interrupting the thread:
             * an interrupt would abort file writes (NIO channels close on interrupt), so the run
             * could not record its "cancelled" status. The task then ends normally.
             */
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                stop.set(true);
                return true;
            }
        };
        running = task;
        busy.set(true);
        cancel.setDisable(false);
        Runnable done = () -> {
            drain();
            running = null;
            busy.set(false);
            cancel.setDisable(true);
            name.setText("run-" + System.currentTimeMillis() / 1000);
        };
        task.setOnSucceeded(e -> done.run());
        task.setOnFailed(e -> {
            state.errorProperty().set(WorkbenchState.message(task.getException()));
            done.run();
        });
        state.jobs().onOwnThread(task, "kemwb-train");
    }

    private void drain() {
        Map<String, String> row;
        while ((row = pending.poll()) != null) {
            if (!"train".equals(row.get("kind"))) {
                continue;
            }
            double step = Double.parseDouble(row.get("step"));
            for (Map.Entry<String, String> e : row.entrySet()) {
                if (e.getKey().startsWith("loss") && !e.getValue().isEmpty()) {
                    series(e.getKey()).add(step, Double.parseDouble(e.getValue()), false);
                    pointCount++;
                }
            }
        }
        for (Object s : series.getSeries()) {
            ((XYSeries) s).fireSeriesChanged();
        }
    }

    private final Map<String, XYSeries> byName = new LinkedHashMap<>();

    private XYSeries series(String key) {
        return byName.computeIfAbsent(key, k -> {
            XYSeries s = new XYSeries(k, true, false);
            series.addSeries(s);
            return s;
        });
    }

    List<String> seriesNames() {
        return List.copyOf(byName.keySet());
    }
}
