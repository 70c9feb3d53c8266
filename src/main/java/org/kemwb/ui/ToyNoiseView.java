package org.kemwb.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import org.kemwb.experiment.ToyNoiseExperiment;
import org.kemwb.experiment.ToyNoiseExperiment.Point;
import org.kemwb.experiment.ToyNoiseExperiment.Readout;
import org.kemwb.experiment.ToyNoiseExperiment.Settings;

/**
 * The toy-noise experiment: settings (initialised from {@link Settings#defaults()}, the CLI's
 * defaults), a live chart of one read-out for every module and seed over the planned steps, and
 * the monospaced table of read-outs at initialisation and after training.
 */
public final class ToyNoiseView extends VBox {
    private static final Settings DEFAULTS = Settings.defaults();
    private final Spinner<Integer> seeds = new Spinner<>(1, 20, DEFAULTS.seeds());
    private final Spinner<Integer> steps = new Spinner<>(0, 100_000, DEFAULTS.steps(), 50);
    private final Spinner<Double> noise = new Spinner<>(0.0, 100.0, DEFAULTS.noise(), 0.5);
    private final Spinner<Integer> topK = new Spinner<>(1, 48, DEFAULTS.topK());
    private final ComboBox<Readout> shown = new ComboBox<>();
    private final NumberAxis xAxis = new NumberAxis(0, DEFAULTS.steps(), Math.max(1, DEFAULTS.steps() / 10));
    private final LineChart<Number, Number> chart = new LineChart<>(xAxis, new NumberAxis());
    private final TextArea table = new TextArea();
    private final Map<String, XYChart.Series<Number, Number>> series = new LinkedHashMap<>();
    /** Every point of the last run (all seeds), in arrival order; touched on the FX thread only. */
    private final List<Point> points = new ArrayList<>();

    public ToyNoiseView(WorkbenchState state) {
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        chart.getXAxis().setLabel("step");
        chart.setCreateSymbols(false);
        chart.setAnimated(false);
        chart.setId("toy-chart");
        VBox.setVgrow(chart, Priority.ALWAYS);
        seeds.setId("toy-seeds");
        steps.setId("toy-steps");
        xAxis.setAutoRanging(false);
        for (Spinner<?> sp : List.of(seeds, steps, noise, topK)) {
            sp.setEditable(true);
        }
        Layouts.fitSpinner(seeds, "20");
        Layouts.fitSpinner(steps, "100000");
        Layouts.fitSpinner(noise, "100.0");
        Layouts.fitSpinner(topK, "48");
        shown.getItems().setAll(Readout.values());
        shown.setValue(Readout.NOISE_MASS);
        shown.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Readout r) {
                return r == null ? "" : r.label;
            }

            @Override
            public Readout fromString(String s) {
                return null;
            }
        });
        shown.valueProperty().addListener((o, a, b) -> redraw());
        redraw();
        table.setEditable(false);
        table.setPrefRowCount(12);
        table.setFont(Font.font("Monospaced", 12));
        table.setId("toy-table");
        Button run = new Button("Run");
        run.setId("toy-run");
        run.setOnAction(e -> {
            run.setDisable(true);
            points.clear();
            series.clear();
            chart.getData().clear();
            table.clear();
            Settings settings = settings();
            xAxis.setUpperBound(Math.max(1, settings.steps()));
            xAxis.setTickUnit(Math.max(1, settings.steps() / 10));
            Task<List<ToyNoiseExperiment.Summary>> task = new Task<>() {
                @Override
                protected List<ToyNoiseExperiment.Summary> call() {
                    updateMessage("Toy-noise experiment");
                    var result = new ToyNoiseExperiment(settings).run(p -> Platform.runLater(() -> add(p)), this::isCancelled);
                    updateMessage("Toy-noise experiment finished");
                    return result;
                }
            };
            task.setOnSucceeded(ev -> {
                table.setText(ToyNoiseExperiment.table(task.getValue())
                        + "mean ± std over seeds; losses are MSE / target variance (README, section Toy noise)\n");
                run.setDisable(false);
            });
            task.setOnFailed(ev -> {
                state.errorProperty().set(WorkbenchState.message(task.getException()));
                run.setDisable(false);
            });
            task.setOnCancelled(ev -> run.setDisable(false));
            state.jobs().onOwnThread(task, "kemwb-toy-noise");
        });
        Button export = new Button("Export…");
        export.setOnAction(e -> export(state));
        getChildren().addAll(Layouts.row(new Label("Seeds"), seeds, new Label("Steps"), steps, new Label("Noise σ"), noise,
                new Label("top-k"), topK, run, export, new Label("Chart"), shown), chart, table);
    }

    /** The settings the page's controls ask for: {@link Settings#defaults()} with seeds, steps, noise and k. */
    Settings settings() {
        return DEFAULTS.withRun(seeds.getValue(), steps.getValue(), noise.getValue(), topK.getValue());
    }

    private void add(Point p) {
        points.add(p);
        plot(p);
    }

    private void plot(Point p) {
        double y = shown.getValue().of(p);
        if (!Double.isNaN(y)) {
            series(p.module().id() + " seed " + p.seed()).getData().add(new XYChart.Data<>(p.step(), y));
        }
    }

    private void redraw() {
        chart.setTitle(shown.getValue().label + " (tasks 1 and 2), every module and seed");
        series.clear();
        chart.getData().clear();
        points.forEach(this::plot);
    }

    /** Saves every measured point as CSV, the table as text and the chart as PNG into a folder. */
    private void export(WorkbenchState state) {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Export toy-noise results to folder");
        java.io.File dir = chooser.showDialog(getScene().getWindow());
        if (dir == null) {
            return;
        }
        java.awt.image.BufferedImage png = javafx.embed.swing.SwingFXUtils.fromFXImage(chart.snapshot(null, null), null);
        StringBuilder csv = new StringBuilder(Point.CSV_HEADER).append('\n');
        points.forEach(p -> csv.append(p.csv()).append('\n'));
        String summary = table.getText();
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                java.nio.file.Path d = dir.toPath();
                org.kemwb.util.AtomicFiles.writeString(d.resolve("toy-noise-points.csv"), csv.toString());
                org.kemwb.util.AtomicFiles.writeString(d.resolve("toy-noise-summary.txt"), summary);
                org.kemwb.infer.OutputImages.writePng(png, d.resolve("toy-noise-chart.png"));
                updateMessage("Exported toy-noise results to " + d);
                return null;
            }
        };
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
    }

    private XYChart.Series<Number, Number> series(String name) {
        return series.computeIfAbsent(name, m -> {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(m);
            chart.getData().add(s);
            return s;
        });
    }
}
