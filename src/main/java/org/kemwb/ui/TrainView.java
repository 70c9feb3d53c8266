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
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
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
    private final ConfigSheet sheet = new ConfigSheet();
    private final javafx.beans.property.IntegerProperty edits = new javafx.beans.property.SimpleIntegerProperty();
    private final Button start = new Button("Start");
    private final Button cancel = new Button("Cancel");
    private final CheckBox logScale = new CheckBox("log scale");
    private final javafx.scene.control.ComboBox<String> curves = new javafx.scene.control.ComboBox<>();
    /** Every series of every run started here, by name; the chart shows one family at a time. */
    private final XYSeriesCollection shown = new XYSeriesCollection();
    private final Label reason = new Label();
    private final ConcurrentLinkedQueue<Map<String, String>> pending = new ConcurrentLinkedQueue<>();
    private final JFreeChart chart;
    private Task<String> running;
    /** Name of the run feeding the chart now; earlier runs stay on the chart (overlay). */
    private String runName = "";
    private final javafx.beans.property.BooleanProperty busy = new javafx.beans.property.SimpleBooleanProperty();
    private long lastDrain;
    private int pointCount;

    public TrainView(WorkbenchState state, Path runsFolder) {
        this.state = state;
        this.runsFolder = runsFolder;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        name.setText("run-" + System.currentTimeMillis() / 1000);
        name.setId("run-name");
        start.setId("train-start");
        cancel.setId("train-cancel");
        sheet.setId("train-settings");
        for (ConfigSheet.Setting setting : sheet.settings()) {
            setting.getObservableValue().orElseThrow().addListener((o, a, b) -> edits.set(edits.get() + 1));
        }
        HBox form = new HBox(10, new Label("Run name"), name);
        form.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        StringBinding problem = Bindings.createStringBinding(this::problem, name.textProperty(), edits);
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
        curves.getItems().setAll("losses", "eval metrics", "learning rate");
        curves.setValue("losses");
        curves.setOnAction(e -> showOnly(curves.getValue()));
        chart = ChartFactory.createXYLineChart("Training", "step", null, shown, PlotOrientation.VERTICAL, true, true, false);
        logScale.setOnAction(e -> ((XYPlot) chart.getPlot()).setRangeAxis(logScale.isSelected() ? new LogAxis() : new NumberAxis()));
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
        HBox top = new HBox(12, sheet, new VBox(10, form, Layouts.row(start, cancel, curves, logScale, export), reason));
        reason.setWrapText(true);
        reason.setMaxWidth(420);
        getChildren().addAll(top, viewer);
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
                ChartExport.save(chart, shown, file.toPath(), 1200, 700);
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
        Object checked = sheet.validate(state.deviceProperty().get());
        return checked instanceof String message ? message : "";
    }

    /** Number of points drawn so far (for tests and the status line). */
    public int pointCount() {
        return pointCount;
    }

    public Task<String> running() {
        return running;
    }

    /** Sets one setting by its config key (e.g. "steps"); used by tests and scripts. */
    public void setSetting(String path, Object value) {
        sheet.set(path, value);
    }

    private void startRun() {
        TrainConfig checked = (TrainConfig) sheet.validate(state.deviceProperty().get());
        TrainConfig config = TrainConfig.fromJson(sheet.json().put("device", state.deviceProperty().get())
                .put("logEvery", Math.max(1, Math.min(10, checked.steps() / 20))), "settings");
        Path dir = runsFolder.resolve(name.getText().trim());
        runName = dir.getFileName().toString();
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
            double step = Double.parseDouble(row.get("step"));
            boolean eval = "eval".equals(row.get("kind"));
            for (Map.Entry<String, String> e : row.entrySet()) {
                String key = e.getKey();
                boolean wanted = eval ? TrainingRun.isMetric(key) : key.startsWith("loss") || key.equals("lr");
                if (wanted && !e.getValue().isEmpty()) {
                    series(runName + " " + key).add(step, Double.parseDouble(e.getValue()), false);
                    pointCount++;
                }
            }
        }
        showOnly(curves.getValue());
        for (Object s : shown.getSeries()) {
            ((XYSeries) s).fireSeriesChanged();
        }
    }

    private final Map<String, XYSeries> byName = new LinkedHashMap<>();

    /** Puts the chosen family of series (losses, eval metrics or lr) on the chart. */
    private void showOnly(String family) {
        List<XYSeries> wanted = new java.util.ArrayList<>();
        for (Map.Entry<String, XYSeries> e : byName.entrySet()) {
            String key = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
            boolean match = switch (family) {
                case "eval metrics" -> TrainingRun.isMetric(key);
                case "learning rate" -> key.equals("lr");
                default -> key.startsWith("loss");
            };
            if (match) {
                wanted.add(e.getValue());
            }
        }
        if (!wanted.equals(shown.getSeries())) {
            shown.removeAllSeries();
            wanted.forEach(shown::addSeries);
        }
    }

    private XYSeries series(String key) {
        return byName.computeIfAbsent(key, k -> {
            return new XYSeries(k, true, false);
        });
    }

    List<String> seriesNames() {
        return List.copyOf(byName.keySet());
    }
}
