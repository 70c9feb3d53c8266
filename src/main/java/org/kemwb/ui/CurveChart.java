package org.kemwb.ui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.kemwb.runs.Curve;
import org.kemwb.runs.Curves;

/**
 * Curves of runs drawn as users expect from TensorBoard: a smoothing slider (debiased EMA,
 * {@link Curves#smooth}) with the raw curve faint behind the smoothed one, a log scale per
 * chart, runs that differ only by seed as mean ± std bands, the metric's unit on its axis, and
 * each run's colour kept for as long as the chart lives (a run keeps its colour when others are
 * added or removed). Exports write the raw values (CSV) or the chart as shown (PNG, SVG).
 * FX thread only.
 */
public final class CurveChart extends VBox {
    /**
     * One line: a run's curve of one column. {@code group} is the key of runs that differ only
     * by seed ("" for none); {@code label} names the line within its run (e.g. the column).
     */
    public record Line(String run, String label, String group, Curve curve) {}

    private final JFreeChart chart;
    private final XYPlot plot;
    private final XYSeriesCollection lines = new XYSeriesCollection();
    private final YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
    private final XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
    private final DeviationRenderer bandRenderer = new DeviationRenderer(true, false);
    private final Slider smoothing = new Slider(0, 0.99, 0.6);
    private final Label smoothingValue = new Label();
    private final CheckBox logScale = new CheckBox("log scale");
    private final CheckBox seeds = new CheckBox("mean ± std over seeds");
    private final Map<String, Integer> runColours = new HashMap<>();
    private List<Line> shown = List.of();
    private String yLabel = "";
    /** Steps the x axis spans at least, from 0 (0: the data decide). */
    private double plannedSteps;

    private final JobCenter jobs;

    /** {@code jobs} runs exports in the background. */
    public CurveChart(String idPrefix, JobCenter jobs) {
        super(6);
        this.jobs = jobs;
        chart = ChartFactory.createXYLineChart(null, "step", null, lines, PlotOrientation.VERTICAL, true, true, false);
        plot = chart.getXYPlot();
        plot.setRenderer(0, lineRenderer);
        plot.setDataset(1, bands);
        plot.setRenderer(1, bandRenderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // steps are whole
        plot.setNoDataMessage("No curves yet");
        fitAxes(true);
        ChartStyle.apply(chart);
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId(idPrefix + "-chart");
        VBox.setVgrow(viewer, Priority.ALWAYS);
        smoothing.setId(idPrefix + "-smoothing");
        smoothing.setPrefWidth(140);
        smoothing.setMajorTickUnit(0.1);
        smoothingValue.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        smoothingValue.textProperty().bind(smoothing.valueProperty().asString(Locale.ROOT, "%.2f"));
        smoothing.valueProperty().addListener((o, a, b) -> redraw());
        logScale.setId(idPrefix + "-log");
        logScale.setOnAction(e -> {
            setLogAxis(logScale.isSelected());
            redraw();
        });
        seeds.setId(idPrefix + "-seeds");
        seeds.setSelected(true);
        seeds.setOnAction(e -> redraw());
        Button export = new Button("Export…");
        export.setOnAction(e -> export());
        Label smoothingLabel = new Label("Smoothing");
        smoothingLabel.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox controls = new HBox(8, smoothingLabel, smoothing, smoothingValue, logScale, seeds, export);
        controls.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(controls, viewer);
    }

    public JFreeChart chart() {
        return chart;
    }

    public Slider smoothingSlider() {
        return smoothing;
    }

    public CheckBox logScaleBox() {
        return logScale;
    }

    public CheckBox seedsBox() {
        return seeds;
    }

    /** Shows these lines with this y-axis label (which carries the unit, e.g. "depth RMSE (m)"). */
    public void setLines(String yAxisLabel, List<Line> newLines) {
        this.yLabel = yAxisLabel;
        this.shown = List.copyOf(newLines);
        for (Line l : shown) {
            runColours.computeIfAbsent(l.run(), r -> runColours.size());
        }
        plot.getRangeAxis().setLabel(yLabel);
        redraw();
    }

    /**
     * The x axis spans steps 0 to {@code steps} (further when a curve does), e.g. a run's planned
     * steps before its first point; 0 lets the data decide. Without curves and without a plan
     * the axes show no numbers (rather than a meaningless 0 to 1).
     */
    public void setPlannedSteps(double steps) {
        if (steps != plannedSteps) {
            plannedSteps = Math.max(0, steps);
            redraw();
        }
    }

    public double plannedSteps() {
        return plannedSteps;
    }

    /** Lines given to the chart (raw). */
    public List<Line> lines() {
        return shown;
    }

    /** The colour of a run on this chart (kept while the chart lives). */
    public Color colourOf(String run) {
        return ChartStyle.runColour(runColours.computeIfAbsent(run, r -> runColours.size()));
    }

    /** Forgets the lines and the colours given so far. */
    public void clear() {
        runColours.clear();
        setLines(yLabel, List.of());
    }

    /** Series on the chart now (raw, smoothed, band means), by key (tests). */
    public Map<String, XYSeries> series() {
        Map<String, XYSeries> out = new LinkedHashMap<>();
        for (Object o : lines.getSeries()) {
            XYSeries s = (XYSeries) o;
            out.put(s.getKey().toString(), s);
        }
        return out;
    }

    /** Bands on the chart now (tests). */
    public YIntervalSeriesCollection bands() {
        return bands;
    }

    private void setLogAxis(boolean log) {
        ValueAxis axis;
        if (log) {
            LogAxis a = new LogAxis(yLabel);
            a.setSmallestValue(1e-12);
            axis = a;
        } else {
            NumberAxis a = new NumberAxis(yLabel);
            a.setAutoRangeIncludesZero(false);
            axis = a;
        }
        plot.setRangeAxis(axis);
        ChartStyle.axis(axis, ChartStyle.palette());
        fitAxes(shown.isEmpty());
    }

    private void redraw() {
        double w = smoothing.getValue();
        boolean log = logScale.isSelected();
        chart.setNotify(false);
        try {
            lines.removeAllSeries();
            bands.removeAllSeries();
            // runs of one group (same config but the seed) become one band when asked and there are several
            Map<String, List<Line>> groups = new LinkedHashMap<>();
            for (Line l : shown) {
                if (seeds.isSelected() && !l.group().isEmpty()) {
                    groups.computeIfAbsent(l.group() + "\u0000" + l.label(), k -> new ArrayList<>()).add(l);
                }
            }
            groups.values().removeIf(g -> g.stream().map(Line::run).distinct().count() < 2);
            java.util.Set<Line> inBands = new java.util.HashSet<>();
            groups.values().forEach(inBands::addAll);
            Map<String, Integer> dashes = new HashMap<>();
            int i = 0;
            for (Line l : shown) {
                if (inBands.contains(l)) {
                    continue;
                }
                Color c = colourOf(l.run());
                BasicStroke stroke = stroke(dashes.computeIfAbsent(l.label(), k -> dashes.size()), 1.8f);
                String name = l.run() + (l.label().isEmpty() ? "" : " " + l.label());
                if (w > 0) {
                    lines.addSeries(series(name + " (raw)", l.curve(), log));
                    lineRenderer.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 70));
                    lineRenderer.setSeriesStroke(i, stroke(dashes.get(l.label()), 1f));
                    lineRenderer.setSeriesVisibleInLegend(i, false);
                    i++;
                }
                lines.addSeries(series(name, w > 0 ? Curves.smooth(l.curve(), w) : l.curve(), log));
                lineRenderer.setSeriesPaint(i, c);
                lineRenderer.setSeriesStroke(i, stroke);
                lineRenderer.setSeriesVisibleInLegend(i, true);
                i++;
            }
            int b = 0;
            for (List<Line> g : groups.values()) {
                List<Curve> curves = g.stream().map(l -> w > 0 ? Curves.smooth(l.curve(), w) : l.curve()).toList();
                Curves.Band band = Curves.meanStd(curves);
                Line first = g.getFirst();
                String name = groupName(g) + (first.label().isEmpty() ? "" : " " + first.label()) + " (" + band.runs() + " seeds, mean ± std)";
                YIntervalSeries s = new YIntervalSeries(name, false, true);
                for (int k = 0; k < band.steps().length; k++) {
                    double m = band.mean()[k];
                    double lo = m - band.std()[k];
                    if (log && (m <= 0 || lo <= 0)) {
                        continue;
                    }
                    s.add(band.steps()[k], m, lo, m + band.std()[k]);
                }
                bands.addSeries(s);
                Color c = colourOf(first.run());
                bandRenderer.setSeriesPaint(b, c);
                bandRenderer.setSeriesFillPaint(b, c);
                bandRenderer.setSeriesStroke(b, new BasicStroke(1.8f));
                b++;
            }
            bandRenderer.setAlpha(0.25f);
            fitAxes(lines.getSeriesCount() == 0 && bands.getSeriesCount() == 0);
        } finally {
            chart.setNotify(true);
        }
    }

    /** The x axis spans the planned steps (or the data); an axis with nothing to show has no numbers. */
    private void fitAxes(boolean empty) {
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        if (plannedSteps > 0) {
            double last = plannedSteps;
            for (Line l : shown) {
                if (l.curve().size() > 0) {
                    last = Math.max(last, l.curve().steps()[l.curve().size() - 1]);
                }
            }
            x.setRange(0, last); // also turns auto range off
        } else {
            x.setAutoRange(true);
        }
        boolean xNumbers = !empty || plannedSteps > 0;
        x.setTickLabelsVisible(xNumbers);
        x.setTickMarksVisible(xNumbers);
        ValueAxis y = plot.getRangeAxis();
        y.setTickLabelsVisible(!empty);
        y.setTickMarksVisible(!empty);
    }

    private static String groupName(List<Line> g) {
        // the common prefix of the run names ("exp-seed0", "exp-seed1" -> "exp-seed"), else the first
        String p = g.getFirst().run();
        for (Line l : g) {
            int n = 0;
            while (n < p.length() && n < l.run().length() && p.charAt(n) == l.run().charAt(n)) {
                n++;
            }
            p = p.substring(0, n);
        }
        p = p.replaceAll("[-_ .]+$", "");
        return p.isEmpty() ? g.getFirst().run() : p;
    }

    private static XYSeries series(String key, Curve c, boolean log) {
        XYSeries s = new XYSeries(key, false, true);
        for (int k = 0; k < c.size(); k++) {
            double v = c.values()[k];
            if (log && v <= 0) {
                continue; // no place on a log axis
            }
            s.add(c.steps()[k], v, false);
        }
        return s;
    }

    private static BasicStroke stroke(int dash, float width) {
        if (dash == 0) {
            return new BasicStroke(width);
        }
        float[][] patterns = {{6f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}, {1f, 2f}};
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, patterns[(dash - 1) % patterns.length], 0f);
    }

    /** Raw values of every line given (whatever the smoothing), as the CSV export writes them. */
    XYSeriesCollection rawData() {
        XYSeriesCollection raw = new XYSeriesCollection();
        for (Line l : shown) {
            raw.addSeries(series(l.run() + (l.label().isEmpty() ? "" : " " + l.label()), l.curve(), false));
        }
        return raw;
    }

    /** Writes the chart (PNG, SVG) or the raw values (CSV) to a file, on the calling thread (tests). */
    void exportTo(Path file) throws java.io.IOException {
        ChartExport.save(chart, rawData(), file, 1200, 700);
    }

    private void export() {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle("Export chart");
        fc.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("PNG image", "*.png"),
                new javafx.stage.FileChooser.ExtensionFilter("SVG image", "*.svg"),
                new javafx.stage.FileChooser.ExtensionFilter("CSV data (raw values)", "*.csv"));
        java.io.File file = fc.showSaveDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        XYSeriesCollection raw = rawData();
        javafx.concurrent.Task<Void> task = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting " + file.getName());
                ChartExport.save(chart, raw, file.toPath(), 1200, 700);
                return null;
            }
        };
        task.setOnFailed(e -> new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.ERROR,
                WorkbenchState.message(task.getException())).show());
        jobs.onOwnThread(task, "kemwb-export-chart");
    }
}
