package org.kemwb.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kemwb.experiment.ToyNoiseExperiment;

/** The toy-noise experiment: settings, a live chart of the attention mass on the noise task, the final table. */
public final class ToyNoiseView extends VBox {
    private final Spinner<Integer> seeds = new Spinner<>(1, 20, 2);
    private final Spinner<Integer> steps = new Spinner<>(0, 100_000, 200, 50);
    private final Spinner<Double> noise = new Spinner<>(0.0, 100.0, 1.0, 0.5);
    private final Spinner<Integer> topK = new Spinner<>(1, 48, 3);
    private final LineChart<Number, Number> chart = new LineChart<>(new NumberAxis(), new NumberAxis(0, 1, 0.1));
    private final TextArea table = new TextArea();
    private final Map<String, XYChart.Series<Number, Number>> series = new HashMap<>();
    /** Every point of the last run (all seeds), as CSV. */
    private final StringBuffer pointsCsv = new StringBuffer();

    public ToyNoiseView(WorkbenchState state) {
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        chart.setTitle("Attention mass of tasks 1 and 2 on the noise task (seed 0)");
        chart.getXAxis().setLabel("step");
        chart.setCreateSymbols(false);
        chart.setId("toy-chart");
        VBox.setVgrow(chart, Priority.ALWAYS);
        Layouts.fitSpinner(seeds, "20");
        Layouts.fitSpinner(steps, "100000");
        Layouts.fitSpinner(noise, "100.0");
        Layouts.fitSpinner(topK, "48");
        table.setEditable(false);
        table.setPrefRowCount(5);
        table.setId("toy-table");
        Button run = new Button("Run");
        run.setId("toy-run");
        run.setOnAction(e -> {
            run.setDisable(true);
            chart.getData().clear();
            series.clear();
            pointsCsv.setLength(0);
            pointsCsv.append(ToyNoiseExperiment.Point.CSV_HEADER).append('\n');
            var d = ToyNoiseExperiment.Settings.defaults();
            var settings = new ToyNoiseExperiment.Settings(d.modules(), seeds.getValue(), steps.getValue(), noise.getValue(),
                    d.slots(), topK.getValue(), d.tokens(), d.dim(), d.signalDim(), d.batch(), d.lr(), d.logEvery());
            Task<List<ToyNoiseExperiment.Summary>> task = new Task<>() {
                @Override
                protected List<ToyNoiseExperiment.Summary> call() {
                    updateMessage("Toy-noise experiment");
                    var result = new ToyNoiseExperiment(settings).run(p -> {
                        pointsCsv.append(p.csv()).append('\n');
                        if (p.seed() == 0) {
                            Platform.runLater(() -> series(p.module().id()).getData().add(new XYChart.Data<>(p.step(), p.massOnNoise())));
                        }
                    }, this::isCancelled);
                    updateMessage("Toy-noise experiment finished");
                    return result;
                }
            };
            task.setOnSucceeded(ev -> {
                StringBuilder sb = new StringBuilder("module  mass→noise init → final    sensitivity init → final    loss t1 / t2 final\n");
                for (var s : task.getValue()) {
                    sb.append(String.format("%-6s  %s → %s    %s → %s    %s / %s%n", s.module().id(), s.initMass(), s.finalMass(),
                            s.initSensitivity(), s.finalSensitivity(), s.finalLoss1(), s.finalLoss2()));
                }
                table.setText(sb.toString());
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
                new Label("top-k"), topK, run, export), chart, table);
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
        String csv = pointsCsv.toString();
        String summary = table.getText();
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                java.nio.file.Path d = dir.toPath();
                org.kemwb.util.AtomicFiles.writeString(d.resolve("toy-noise-points.csv"), csv);
                org.kemwb.util.AtomicFiles.writeString(d.resolve("toy-noise-summary.txt"), summary);
                org.kemwb.infer.OutputImages.writePng(png, d.resolve("toy-noise-chart.png"));
                updateMessage("Exported toy-noise results to " + d);
                return null;
            }
        };
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
    }

    private XYChart.Series<Number, Number> series(String module) {
        return series.computeIfAbsent(module, m -> {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(m);
            chart.getData().add(s);
            return s;
        });
    }
}
