package org.kemwb.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.kemwb.data.SortOfClevr.Distribution;
import org.kemwb.experiment.ImbalanceExperiment;
import org.kemwb.experiment.ImbalanceResults;
import org.kemwb.model.InteractionKind;

/**
 * The imbalance experiment (paper table 1): the 2 x 2 table of test accuracy (module x training
 * distribution, mean ± std over seeds), the same as bars with error bars, and the test-accuracy
 * curves (mean over the seeds finished so far). Opens the bundled results of a full run when the
 * samples folder has them; "Run" trains anew, "Open results…" shows a folder written by
 * {@code kemwb imbalance}.
 */
public final class ImbalanceView extends VBox {
    private final WorkbenchState state;
    private final Spinner<Integer> seeds = new Spinner<>(1, 20, 3);
    private final Spinner<Integer> steps = new Spinner<>(10, 1_000_000, ImbalanceExperiment.Settings.defaults().steps(), 100);
    private final Spinner<Double> exponent = new Spinner<>(0.0, 10.0, 2.0, 0.5);
    private final Spinner<Integer> etfVertices = new Spinner<>(0, 48, 0);
    private final GridPane table = new GridPane();
    private final Label caption = new Label();
    /** What the table and charts show now: a folder, or a run started here (and how far it got). */
    private final Label shownLabel = Layouts.wrapping(new Label());
    private final DefaultStatisticalCategoryDataset bars = new DefaultStatisticalCategoryDataset();
    private final XYSeriesCollection curves = new XYSeriesCollection();
    /** (module/distribution) -> step -> accuracies of the seeds so far. */
    private final Map<String, Map<Integer, List<Double>>> curvePoints = new TreeMap<>();
    private final List<ImbalanceExperiment.Point> points = new ArrayList<>();
    private ImbalanceResults shown;
    private final org.jfree.chart.renderer.xy.XYLineAndShapeRenderer lineRenderer =
            new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, false);
    private StatisticalBarRenderer barRenderer;

    public ImbalanceView(WorkbenchState state, Path bundled) {
        this.state = state;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        Layouts.fitSpinner(seeds, "20");
        Layouts.fitSpinner(steps, "1000000");
        Layouts.fitSpinner(exponent, "10.0");
        Layouts.fitSpinner(etfVertices, "48");
        etfVertices.setTooltip(new javafx.scene.control.Tooltip("sKEM ETF vertices; 0 = one per task stream (2)"));
        Button run = new Button("Run");
        run.setId("imbalance-run");
        run.setOnAction(e -> run(run));
        Button open = new Button("Open results…");
        open.setOnAction(e -> chooseResults());
        Button export = new Button("Export…");
        export.setOnAction(e -> export());
        var controls = Layouts.row(new Label("Seeds"), seeds, new Label("Steps"), steps, new Label("Power-law exponent"),
                exponent, new Label("ETF vertices"), etfVertices, run, open, export);

        table.setId("imbalance-table");
        table.getStyleClass().add("result-table");
        table.setHgap(16);
        table.setVgap(6);
        caption.setWrapText(true);
        caption.getStyleClass().add("caption");

        JFreeChart barChart = ChartFactory.createBarChart("Test accuracy (balanced test set)", null, "accuracy", bars);
        CategoryPlot plot = barChart.getCategoryPlot();
        barRenderer = new StatisticalBarRenderer();
        barRenderer.setErrorIndicatorPaint(java.awt.Color.GRAY); // visible on light and dark
        barRenderer.setDrawBarOutline(false);
        barRenderer.setShadowVisible(false);
        barRenderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        plot.setRenderer(barRenderer);
        plot.getRangeAxis().setRange(0, 1);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        JFreeChart lineChart = ChartFactory.createXYLineChart("Test accuracy while training (mean over seeds)", "step",
                "accuracy", curves);
        lineChart.getXYPlot().setRenderer(lineRenderer);
        ((org.jfree.chart.axis.NumberAxis) lineChart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        lineChart.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        lineChart.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        lineChart.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ChartStyle.apply(barChart); // follows the light / dark theme
        ChartStyle.apply(lineChart);
        ChartViewer barViewer = new ChartViewer(barChart);
        ChartViewer lineViewer = new ChartViewer(lineChart);
        barViewer.setId("imbalance-bars");
        lineViewer.setId("imbalance-curves");
        HBox charts = new HBox(10, barViewer, lineViewer);
        HBox.setHgrow(barViewer, Priority.ALWAYS);
        HBox.setHgrow(lineViewer, Priority.ALWAYS);
        barViewer.setPrefWidth(420);
        lineViewer.setPrefWidth(620);
        VBox.setVgrow(charts, Priority.ALWAYS);
        shownLabel.setId("imbalance-shown");
        shownLabel.setMnemonicParsing(false);
        getChildren().addAll(controls, table, caption, shownLabel, charts);
        showTable(List.of(), 0);
        caption.setText("Sort-of-CLEVR: train kem and skem on balanced and on long-tailed (power-law) data, test on "
                + "balanced data. Paper (table 1): KEM 81% → 71%, sKEM 79% → 79%. Press Run, or open a folder written by "
                + "kemwb imbalance.");
        if (bundled != null && Files.isRegularFile(bundled.resolve(ImbalanceResults.SUMMARY))) {
            load(bundled);
        }
    }

    /** The line saying what the page shows (tests). */
    Label shownLabel() {
        return shownLabel;
    }

    /** Results currently on the page (for tests). */
    ImbalanceResults shown() {
        return shown;
    }

    private void run(Button run) {
        run.setDisable(true);
        clear();
        var d = ImbalanceExperiment.Settings.defaults();
        var settings = new ImbalanceExperiment.Settings(d.modules(), d.distributions(), seeds.getValue(), steps.getValue(),
                d.batch(), d.lr(), d.imageSize(), d.patch(), d.dim(), d.slots(), d.topK(), etfVertices.getValue(),
                exponent.getValue(), d.trainScenes(), d.testScenes(), Math.max(1, Math.min(d.evalEvery(), steps.getValue() / 4)));
        int nSeeds = settings.seeds();
        String what = String.format(Locale.ROOT, "Shown: a new run (%d seed%s x %d steps, exponent %.1f)", nSeeds,
                nSeeds == 1 ? "" : "s", settings.steps(), exponent.getValue());
        shownLabel.setText(what + ", running.");
        Task<List<ImbalanceExperiment.Cell>> task = new Task<>() {
            @Override
            protected List<ImbalanceExperiment.Cell> call() {
                long total = (long) settings.modules().size() * settings.distributions().size() * nSeeds * settings.steps();
                long[] done = {0};
                updateMessage("Imbalance experiment");
                var cells = new ImbalanceExperiment(settings).run(p -> {
                    done[0] += settings.evalEvery();
                    updateProgress(Math.min(done[0], total), total);
                    updateMessage(String.format(Locale.ROOT, "Imbalance: %s on %s data, seed %d, step %d: accuracy %.3f",
                            p.module().id(), p.distribution().id(), p.seed(), p.step(), p.accuracy()));
                    Platform.runLater(() -> addPoint(p));
                }, this::isCancelled);
                updateMessage(isCancelled() ? "Imbalance experiment cancelled" : "Imbalance experiment finished");
                return cells;
            }
        };
        task.setOnSucceeded(e -> {
            shown = new ImbalanceResults(task.getValue(), nSeeds, List.copyOf(points));
            showCells(shown);
            shownLabel.setText(what + ", finished.");
            run.setDisable(false);
        });
        task.setOnFailed(e -> {
            state.errorProperty().set(WorkbenchState.message(task.getException()));
            shownLabel.setText(what + ", failed.");
            run.setDisable(false);
        });
        task.setOnCancelled(e -> {
            shownLabel.setText(what + ", cancelled (curves up to the cancel).");
            run.setDisable(false);
        });
        state.jobs().onOwnThread(task, "kemwb-imbalance");
    }

    private void clear() {
        points.clear();
        curvePoints.clear();
        curves.removeAllSeries();
        bars.clear();
        showTable(List.of(), 0);
    }

    private void addPoint(ImbalanceExperiment.Point p) {
        points.add(p);
        String key = p.module().id() + " / " + p.distribution().id();
        List<Double> atStep = curvePoints.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(p.step(), s -> new ArrayList<>());
        atStep.add(p.accuracy());
        XYSeries series;
        int index = curves.getSeriesIndex(key);
        if (index < 0) {
            series = new XYSeries(key, true, false);
            curves.addSeries(series);
            // one colour per module (as in the bar chart); long-tailed training dashed
            int at = curves.getSeriesCount() - 1;
            lineRenderer.setSeriesPaint(at, moduleColour(p.module()));
            lineRenderer.setSeriesStroke(at, p.distribution() == Distribution.BALANCED ? new java.awt.BasicStroke(2f)
                    : new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                            new float[] {7f, 5f}, 0f));
        } else {
            series = curves.getSeries(index);
        }
        series.addOrUpdate(p.step(), atStep.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    private void load(Path folder) {
        Task<ImbalanceResults> task = new Task<>() {
            @Override
            protected ImbalanceResults call() throws Exception {
                updateMessage("Reading " + folder);
                ImbalanceResults r = ImbalanceResults.read(folder);
                updateProgress(1, 1);
                updateMessage("Imbalance results from " + folder);
                return r;
            }
        };
        task.setOnSucceeded(e -> {
            clear();
            task.getValue().points().forEach(this::addPoint);
            shown = task.getValue();
            showCells(shown);
            shownLabel.setText("Shown: " + folder.toAbsolutePath().normalize() + ".");
        });
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-imbalance-read");
    }

    private void chooseResults() {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Open a folder written by kemwb imbalance");
        java.io.File dir = chooser.showDialog(getScene().getWindow());
        if (dir != null) {
            load(dir.toPath());
        }
    }

    private void export() {
        if (shown == null) {
            state.errorProperty().set("Nothing to export yet: run the experiment or open results first.");
            return;
        }
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Export imbalance results to folder");
        java.io.File dir = chooser.showDialog(getScene().getWindow());
        if (dir == null) {
            return;
        }
        ImbalanceResults results = shown;
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                results.write(dir.toPath());
                updateMessage("Exported imbalance results to " + dir);
                return null;
            }
        };
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
    }

    private void showCells(ImbalanceResults results) {
        bars.clear();
        for (ImbalanceExperiment.Cell c : results.cells()) {
            bars.add(c.accuracy().mean(), c.accuracy().std(), c.module().id(), c.distribution().id());
            barRenderer.setSeriesPaint(bars.getRowIndex(c.module().id()), moduleColour(c.module()));
        }
        showTable(results.cells(), results.seeds());
    }

    private void showTable(List<ImbalanceExperiment.Cell> cells, int nSeeds) {
        table.getChildren().clear();
        table.add(header("module"), 0, 0);
        table.add(header("trained on\nbalanced"), 1, 0);
        table.add(header("trained on\nlong-tailed"), 2, 0);
        table.add(header("change"), 3, 0);
        table.add(header("rare colours\n(bal. → long-tailed)"), 4, 0);
        int row = 1;
        for (InteractionKind module : cells.stream().map(ImbalanceExperiment.Cell::module).distinct().toList()) {
            var balanced = find(cells, module, Distribution.BALANCED);
            var tailed = find(cells, module, Distribution.LONG_TAILED);
            table.add(new Label(module.id()), 0, row);
            table.add(cellLabel(balanced == null ? "–" : percent(balanced.accuracy())), 1, row);
            table.add(cellLabel(tailed == null ? "–" : percent(tailed.accuracy())), 2, row);
            table.add(cellLabel(balanced == null || tailed == null ? "–" : String.format(Locale.ROOT, "%+.1f points",
                    100 * (tailed.accuracy().mean() - balanced.accuracy().mean()))), 3, row);
            table.add(cellLabel(balanced == null || tailed == null ? "–" : String.format(Locale.ROOT, "%.1f%% → %.1f%%",
                    100 * balanced.tail().mean(), 100 * tailed.tail().mean())), 4, row);
            row++;
        }
        if (nSeeds > 0) {
            table.add(new Label(String.format(Locale.ROOT, "mean ± std over %d seed%s", nSeeds, nSeeds == 1 ? "" : "s")), 0, row,
                    5, 1);
        }
    }

    /** Colour-blind-safe (Okabe-Ito) colour per module. */
    private static java.awt.Color moduleColour(InteractionKind module) {
        return switch (module) {
            case KEM -> new java.awt.Color(0xD5, 0x5E, 0x00);
            case SKEM -> new java.awt.Color(0x00, 0x72, 0xB2);
            case CA -> new java.awt.Color(0x00, 0x9E, 0x73);
            case NEXUSFLOW -> new java.awt.Color(0xCC, 0x79, 0xA7);
            case CTAL -> new java.awt.Color(0xE6, 0x9F, 0x00);
            case NONE -> java.awt.Color.GRAY;
        };
    }

    private static ImbalanceExperiment.Cell find(List<ImbalanceExperiment.Cell> cells, InteractionKind m, Distribution d) {
        return cells.stream().filter(c -> c.module() == m && c.distribution() == d).findFirst().orElse(null);
    }

    private static String percent(org.kemwb.experiment.Stat s) {
        return String.format(Locale.ROOT, "%.1f ± %.1f %%", 100 * s.mean(), 100 * s.std());
    }

    private static Label header(String text) {
        Label l = Layouts.keepWidth(new Label(text));
        l.getStyleClass().add("table-header");
        return l;
    }

    private static Label cellLabel(String text) {
        Label l = Layouts.keepWidth(new Label(text));
        l.getStyleClass().add("table-cell-value");
        return l;
    }
}
