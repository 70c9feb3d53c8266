package org.kemwb.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kemwb.job.TrainingJob;
import org.kemwb.runs.Curve;
import org.kemwb.runs.MetricNames;
import org.kemwb.train.RunStatus;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;

/**
 * Start, cancel and watch a training run: the run's settings with validation (the start button
 * says why it is disabled), synthetic scenes or a dataset folder, and live curves of the
 * workbench's training run, whoever started it (Start here, or Resume on the Runs page): a
 * resumed run's history first, then each new row. Rows arrive on the training thread and are
 * drained into the chart every 100 ms on the FX thread while a run trains (nothing ticks when idle).
 */
public final class TrainView extends VBox {
    private final WorkbenchState state;
    private final Path runsFolder;
    private final TextField name = new TextField();
    private final ConfigSheet sheet = new ConfigSheet();
    private final IntegerProperty edits = new SimpleIntegerProperty();
    private final Button start = new Button("Start");
    private final Button cancel = new Button("Cancel");
    private final ComboBox<String> family = new ComboBox<>();
    private final Label reason = new Label();
    private final Label dataLabel = new Label();
    private final ObjectProperty<Path> dataset = new SimpleObjectProperty<>();
    private final CurveChart chart;
    private final ConcurrentLinkedQueue<Map<String, String>> pending = new ConcurrentLinkedQueue<>();
    /** Values by run, then column, then step (later rows at a step win). */
    private final Map<String, Map<String, TreeMap<Double, Double>>> values = new LinkedHashMap<>();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final Consumer<List<Map<String, String>>> rowSink = pending::addAll;
    private final Timeline drainTimer = new Timeline(new KeyFrame(Duration.millis(100), e -> drain()));
    private JobCenter.Training following;
    private Task<?> running;
    /** Name of the run feeding the chart now; earlier runs stay on the chart (overlay). */
    private String runName = "";
    private int pointCount;

    public TrainView(WorkbenchState state, Path runsFolder) {
        this.state = state;
        this.runsFolder = runsFolder;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        chart = new CurveChart("train", state.jobs());
        name.setText("run-" + System.currentTimeMillis() / 1000);
        name.setId("run-name");
        start.setId("train-start");
        cancel.setId("train-cancel");
        sheet.setId("train-settings");
        for (ConfigSheet.Setting setting : sheet.settings()) {
            setting.getObservableValue().orElseThrow().addListener((o, a, b) -> edits.set(edits.get() + 1));
        }
        HBox form = new HBox(10, new Label("Run name"), name);
        form.setAlignment(Pos.CENTER_LEFT);
        Button chooseData = new Button("Dataset folder…");
        chooseData.setId("train-dataset");
        chooseData.setOnAction(e -> chooseDataset());
        Button synthetic = new Button("Synthetic scenes");
        synthetic.setOnAction(e -> dataset.set(null));
        synthetic.disableProperty().bind(dataset.isNull());
        dataLabel.setId("train-data-label");
        dataLabel.textProperty().bind(Bindings.createStringBinding(
                () -> dataset.get() == null ? "Data: synthetic scenes" : "Data: " + dataset.get(), dataset));
        dataLabel.setWrapText(true);
        dataLabel.setMaxWidth(420);
        HBox dataRow = new HBox(10, chooseData, synthetic);
        StringBinding problem = Bindings.createStringBinding(this::problem, name.textProperty(), edits, dataset);
        reason.textProperty().bind(problem);
        reason.getStyleClass().add("validation");
        start.disableProperty().bind(problem.isNotEmpty().or(busy));
        start.setTooltip(new Tooltip());
        start.getTooltip().textProperty().bind(Bindings.when(busy).then("A training run is running: cancel it first")
                .otherwise(Bindings.when(problem.isEmpty()).then("Start training").otherwise(problem)));
        start.setOnAction(e -> startRun());
        cancel.disableProperty().bind(busy.not());
        cancel.setOnAction(e -> {
            if (following != null) {
                following.entry().cancel();
            }
        });
        family.setId("train-curves");
        family.getItems().setAll("losses", "learning rate");
        family.setValue("losses");
        family.setOnAction(e -> redraw());
        List<String> possible = new ArrayList<>(family.getItems());
        for (org.kemwb.model.Task t : org.kemwb.model.Task.values()) {
            possible.addAll(org.kemwb.train.Evaluator.metricNames(t));
        }
        Layouts.fitComboBox(family, possible); // a metric appearing mid-run must not move the controls
        Button clear = new Button("Clear chart");
        clear.setId("train-clear");
        clear.setOnAction(e -> clearChart());
        VBox.setVgrow(chart, Priority.ALWAYS);
        HBox top = new HBox(12, sheet, new VBox(10, form, dataRow, dataLabel,
                Layouts.row(start, cancel, new Label("Curves"), family, clear), reason));
        reason.setWrapText(true);
        reason.setMaxWidth(420);
        getChildren().addAll(top, chart);
        drainTimer.setCycleCount(Animation.INDEFINITE);
        // an empty chart shows the steps the run will take (the sheet's, or the running run's)
        edits.addListener((o, a, b) -> planSteps());
        state.jobs().trainingProperty().addListener((o, a, t) -> follow(t));
        follow(state.jobs().trainingProperty().get());
        planSteps();
    }

    /** The chart's step axis: the running run's planned steps, else the steps set on the sheet. */
    private void planSteps() {
        double total = running() == null ? -1 : running().getTotalWork();
        if (total <= 0 && sheet.get("steps") instanceof Integer steps) {
            total = steps;
        }
        chart.setPlannedSteps(Math.max(0, total));
    }

    private void chooseDataset() {
        javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
        dc.setTitle("Dataset folder (NYUD-v2 layout: images/, train.txt, val.txt, labels per task)");
        java.io.File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            dataset.set(f.toPath());
        }
    }

    /** Trains on this dataset folder (NYUD-v2 layout), or on synthetic scenes when null. */
    public void setDataset(Path folder) {
        dataset.set(folder);
    }

    /** Why the run cannot start, or "" when it can; names settings by their labels. */
    private String problem() {
        String n = name.getText() == null ? "" : name.getText().trim();
        if (n.isEmpty() || !n.matches("[A-Za-z0-9._-]+")) {
            return "Run name: use letters, digits, '.', '_' or '-'";
        }
        if (Files.exists(runsFolder.resolve(n))) {
            return "Run name: " + runsFolder.resolve(n) + " exists";
        }
        if (dataset.get() != null && !Files.isDirectory(dataset.get())) {
            return "Dataset folder: " + dataset.get() + " is not a folder";
        }
        Object checked = sheet.validate(state.deviceProperty().get());
        return checked instanceof String message ? message : "";
    }

    /** Number of points drawn so far for the run being followed (tests and the status line). */
    public int pointCount() {
        return pointCount;
    }

    /** The training task this page shows while it runs, else null. */
    public Task<?> running() {
        return following == null ? null : running;
    }

    /** Sets one setting by its config key (e.g. "steps"); used by tests and scripts. */
    public void setSetting(String path, Object value) {
        sheet.set(path, value);
    }

    public CurveChart chart() {
        return chart;
    }

    private void startRun() {
        TrainConfig checked = (TrainConfig) sheet.validate(state.deviceProperty().get());
        var json = sheet.json().put("device", state.deviceProperty().get())
                .put("logEvery", Math.max(1, Math.min(10, checked.steps() / 20)));
        if (dataset.get() != null) {
            json.put("dataDir", dataset.get().toAbsolutePath().toString());
        }
        TrainConfig config = TrainConfig.fromJson(json, "settings");
        Path dir = runsFolder.resolve(name.getText().trim());
        try {
            Task<RunStatus> task = state.jobs().train(TrainingJob.start(dir, config));
            task.setOnSucceeded(e -> name.setText("run-" + System.currentTimeMillis() / 1000));
        } catch (IllegalStateException e) {
            state.errorProperty().set(e.getMessage());
        }
    }

    /** Follows the workbench's training run, whoever started it: history first, then live. */
    private void follow(JobCenter.Training training) {
        if (following != null) {
            following.unsubscribe(rowSink);
        }
        drain(); // rows of the previous run go to its own curves
        following = training;
        busy.set(training != null);
        if (training == null) {
            drainTimer.stop();
            edits.set(edits.get() + 1); // the run folder now exists: re-check the name
            return;
        }
        running = training.entry().task();
        runName = training.job().name();
        values.remove(runName); // a resumed run is redrawn from its history
        pointCount = 0;
        training.entry().task().stateProperty().addListener((o, a, s) -> {
            if (s == javafx.concurrent.Worker.State.FAILED) {
                state.errorProperty().set(WorkbenchState.message(training.entry().task().getException()));
            }
        });
        training.subscribe(rowSink);
        training.entry().task().totalWorkProperty().addListener((o, a, b) -> planSteps());
        planSteps();
        drainTimer.play();
    }

    private void clearChart() {
        values.clear();
        pointCount = 0;
        chart.clear();
        redraw();
    }

    private void drain() {
        Map<String, String> row;
        boolean any = false;
        while ((row = pending.poll()) != null) {
            any = true;
            double step = Double.parseDouble(row.get("step"));
            boolean eval = "eval".equals(row.get("kind"));
            for (Map.Entry<String, String> e : row.entrySet()) {
                String key = e.getKey();
                boolean wanted = eval ? TrainingRun.isMetric(key) : key.startsWith("loss") || key.equals("lr");
                if (wanted && !e.getValue().isEmpty()) {
                    values.computeIfAbsent(runName, r -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new TreeMap<>())
                            .put(step, Double.parseDouble(e.getValue()));
                    pointCount++;
                }
            }
        }
        if (any) {
            redraw();
        }
    }

    /** Puts the chosen family on the chart: losses, learning rate, or one evaluation metric (one unit per axis). */
    private void redraw() {
        // offer every metric seen so far, one per chart so that %, m and degrees never share an axis
        List<String> options = new ArrayList<>(List.of("losses", "learning rate"));
        for (var byColumn : values.values()) {
            for (String c : byColumn.keySet()) {
                if (TrainingRun.isMetric(c) && !options.contains(c)) {
                    options.add(c);
                }
            }
        }
        if (!family.getItems().equals(options)) {
            String keep = family.getValue();
            family.setOnAction(null); // setting the items below must not redraw again
            family.getItems().setAll(options);
            family.setValue(options.contains(keep) ? keep : "losses");
            family.setOnAction(e -> redraw());
        }
        String f = family.getValue();
        List<CurveChart.Line> lines = new ArrayList<>();
        for (var run : values.entrySet()) {
            for (var col : run.getValue().entrySet()) {
                String c = col.getKey();
                boolean match = switch (f) {
                    case "losses" -> c.startsWith("loss");
                    case "learning rate" -> c.equals("lr");
                    default -> c.equals(f);
                };
                if (match) {
                    lines.add(new CurveChart.Line(run.getKey(), f.equals("losses") ? c : "", "", curve(col.getValue())));
                }
            }
        }
        String axis = switch (f) {
            case "losses" -> "loss";
            case "learning rate" -> "learning rate";
            default -> MetricNames.axisLabel(f);
        };
        chart.setLines(axis, lines);
    }

    private static Curve curve(TreeMap<Double, Double> m) {
        double[] x = new double[m.size()];
        double[] y = new double[m.size()];
        int i = 0;
        for (var e : m.entrySet()) {
            x[i] = e.getKey();
            y[i] = e.getValue();
            i++;
        }
        return new Curve(x, y);
    }

    /** Names of the lines given to the chart ("run column"), for tests. */
    List<String> seriesNames() {
        List<String> out = new ArrayList<>();
        for (var run : values.entrySet()) {
            for (String c : run.getValue().keySet()) {
                out.add(run.getKey() + " " + c);
            }
        }
        return out;
    }
}
