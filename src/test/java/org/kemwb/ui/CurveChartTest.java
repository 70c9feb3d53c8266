package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jfree.chart.axis.LogAxis;
import org.jfree.data.xy.XYSeries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.runs.Curve;
import org.kemwb.runs.MetricNames;
import org.kemwb.runs.MetricsLog;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Curves as users expect from TensorBoard: smoothing over a faint raw curve, raw exports, log scale, seed bands, units, colours, theme. */
@Timeout(120)
class CurveChartTest {
    static final JobCenter JOBS = new JobCenter();
    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void close() {
        JOBS.close();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    static double[] ys(XYSeries s) {
        double[] out = new double[s.getItemCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.getY(i).doubleValue();
        }
        return out;
    }

    private Curve fieldCase() throws Exception {
        Path f = dir.resolve("smoothing_loss.csv");
        try (var in = CurveChartTest.class.getResourceAsStream("/field-cases/smoothing_loss.csv")) {
            Files.copy(in, f);
        }
        return MetricsLog.read(f).curve("loss");
    }

    @Test
    void smoothedCurveOverAFaintRawOneAndExportsKeepRawValues() throws Exception {
        Curve loss = fieldCase();
        CurveChart chart = fx(() -> {
            CurveChart c = new CurveChart("t", JOBS);
            c.smoothingSlider().setValue(0.6);
            c.setLines("loss", List.of(new CurveChart.Line("run-a", "", "", loss)));
            return c;
        });
        var series = fx(chart::series);
        assertArrayEquals(new double[] {10, 3.75, 1.8367, 0.9926, 0.5621}, ys(series.get("run-a")), 5e-5);
        assertArrayEquals(new double[] {10, 0, 0, 0, 0}, ys(series.get("run-a (raw)")));
        var renderer = chart.chart().getXYPlot().getRenderer(0);
        Color raw = (Color) renderer.getSeriesPaint(0);
        Color smooth = (Color) renderer.getSeriesPaint(1);
        assertTrue(raw.getAlpha() < 128 && smooth.getAlpha() == 255, "raw faint behind the smoothed curve");
        assertEquals(smooth.getRGB() & 0xFFFFFF, raw.getRGB() & 0xFFFFFF, "same run colour");
        Path csv = dir.resolve("out.csv");
        fx(() -> {
            chart.exportTo(csv);
            return null;
        });
        assertEquals(List.of("series,x,y", "run-a,1.0,10.0", "run-a,2.0,0.0", "run-a,3.0,0.0", "run-a,4.0,0.0", "run-a,5.0,0.0"),
                Files.readAllLines(csv), "exports keep raw values");
        fx(() -> {
            chart.smoothingSlider().setValue(0);
            return null;
        });
        assertEquals(List.of("run-a"), List.copyOf(fx(chart::series).keySet()), "no smoothing: the raw curve alone");
    }

    @Test
    void logScalePerChartDropsNonPositiveValues() throws Exception {
        CurveChart chart = fx(() -> {
            CurveChart c = new CurveChart("t", JOBS);
            c.smoothingSlider().setValue(0);
            c.setLines("loss", List.of(new CurveChart.Line("a", "", "", new Curve(new double[] {1, 2, 3}, new double[] {1, 0, 0.01}))));
            c.logScaleBox().fire();
            return c;
        });
        assertInstanceOf(LogAxis.class, chart.chart().getXYPlot().getRangeAxis());
        assertEquals("loss", chart.chart().getXYPlot().getRangeAxis().getLabel());
        assertArrayEquals(new double[] {1, 0.01}, ys(fx(chart::series).get("a")));
        CurveChart other = fx(() -> new CurveChart("u", JOBS));
        assertTrue(!(other.chart().getXYPlot().getRangeAxis() instanceof LogAxis), "per chart");
    }

    @Test
    void seedsOfOneConfigBecomeAMeanAndStdBand() throws Exception {
        List<CurveChart.Line> lines = List.of(
                new CurveChart.Line("exp-seed0", "", "cfg", new Curve(new double[] {1, 2}, new double[] {1, 4})),
                new CurveChart.Line("exp-seed1", "", "cfg", new Curve(new double[] {1, 2}, new double[] {3, 4})),
                new CurveChart.Line("exp-seed2", "", "cfg", new Curve(new double[] {1, 2}, new double[] {2, 7})),
                new CurveChart.Line("other", "", "cfg2", new Curve(new double[] {1, 2}, new double[] {5, 5})));
        CurveChart chart = fx(() -> {
            CurveChart c = new CurveChart("t", JOBS);
            c.smoothingSlider().setValue(0);
            c.setLines("semseg mIoU (%)", lines);
            return c;
        });
        var bands = chart.bands();
        assertEquals(1, bands.getSeriesCount());
        assertEquals("exp-seed (3 seeds, mean ± std)", bands.getSeriesKey(0));
        assertEquals(2.0, bands.getYValue(0, 0), 1e-12);
        assertEquals(1.0, bands.getStartYValue(0, 0), 1e-12, "mean - std (sample std of 1, 3, 2 = 1)");
        assertEquals(3.0, bands.getEndYValue(0, 0), 1e-12);
        assertEquals(5.0, bands.getYValue(0, 1), 1e-12);
        assertEquals(List.of("other"), List.copyOf(fx(chart::series).keySet()), "a single run stays a line");
        fx(() -> {
            chart.seedsBox().fire();
            return null;
        });
        assertEquals(0, chart.bands().getSeriesCount());
        assertEquals(4, fx(chart::series).size(), "every seed as its own line when asked");
    }

    @Test
    void runsKeepTheirColoursWhenOthersComeAndGo() throws Exception {
        Curve c = new Curve(new double[] {1}, new double[] {1});
        CurveChart chart = fx(() -> {
            CurveChart ch = new CurveChart("t", JOBS);
            ch.setLines("loss", List.of(new CurveChart.Line("a", "", "", c), new CurveChart.Line("b", "", "", c)));
            return ch;
        });
        Color a = fx(() -> chart.colourOf("a"));
        Color b = fx(() -> chart.colourOf("b"));
        assertTrue(!a.equals(b));
        fx(() -> {
            chart.setLines("loss", List.of(new CurveChart.Line("b", "", "", c)));
            chart.setLines("loss", List.of(new CurveChart.Line("new", "", "", c), new CurveChart.Line("a", "", "", c)));
            return null;
        });
        assertEquals(a, fx(() -> chart.colourOf("a")));
        assertEquals(b, fx(() -> chart.colourOf("b")));
        var renderer = chart.chart().getXYPlot().getRenderer(0);
        int aIndex = fx(() -> List.copyOf(chart.series().keySet()).indexOf("a"));
        assertEquals(a.getRGB(), ((Color) renderer.getSeriesPaint(aIndex)).getRGB());
    }

    @Test
    void unitsOnAxesAndTheDarkThemeReachesTheCharts() throws Exception {
        assertEquals("semseg mIoU (%)", MetricNames.axisLabel("semseg_miou"));
        assertEquals("depth RMSE (m)", MetricNames.axisLabel("depth_rmse"));
        assertEquals("normals mean angle (°)", MetricNames.axisLabel("normals_mean_deg"));
        assertEquals("loss (depth)", MetricNames.axisLabel("loss_depth"));
        CurveChart chart = fx(() -> new CurveChart("t", JOBS));
        try {
            fx(() -> {
                ChartStyle.setDark(true);
                return null;
            });
            assertEquals(ChartStyle.DARK.background(), chart.chart().getBackgroundPaint());
            assertEquals(ChartStyle.DARK.plot(), chart.chart().getXYPlot().getBackgroundPaint());
            assertEquals(ChartStyle.DARK.text(), chart.chart().getXYPlot().getRangeAxis().getTickLabelPaint());
        } finally {
            fx(() -> {
                ChartStyle.setDark(false);
                return null;
            });
        }
        assertEquals(ChartStyle.LIGHT.background(), chart.chart().getBackgroundPaint());
    }

    @Test
    void settingMessagesUseTheLabelsUsersSee() throws Exception {
        String message = fx(() -> {
            ConfigSheet sheet = new ConfigSheet();
            sheet.set("model.dim", 30);
            sheet.set("model.heads", 4);
            return (String) sheet.validate("cpu");
        });
        assertEquals("Width d = 30: must be divisible by heads (4)", message);
    }

    @Test
    void anEmptyChartShowsThePlannedStepsOrNoNumbers() throws Exception {
        CurveChart chart = fx(() -> new CurveChart("t", JOBS));
        var plot = chart.chart().getXYPlot();
        // nothing to show and no plan: no numbers on either axis (not a meaningless 0.00 to 1.05)
        assertFalse(plot.getDomainAxis().isTickLabelsVisible());
        assertFalse(plot.getRangeAxis().isTickLabelsVisible());
        // a planned run: the step axis spans its steps, in whole steps
        fx(() -> {
            chart.setPlannedSteps(300);
            return null;
        });
        assertTrue(plot.getDomainAxis().isTickLabelsVisible());
        assertEquals(0, plot.getDomainAxis().getLowerBound());
        assertEquals(300, plot.getDomainAxis().getUpperBound());
        assertFalse(plot.getRangeAxis().isTickLabelsVisible(), "no values yet");
        assertEquals(1.0, ((org.jfree.chart.axis.NumberAxis) plot.getDomainAxis()).getStandardTickUnits().getCeilingTickUnit(0.3).getSize(),
                "step ticks are whole steps");
        // the first points: values get numbers, the step axis keeps the plan (and grows past it)
        fx(() -> {
            chart.setLines("loss", List.of(new CurveChart.Line("a", "", "", new Curve(new double[] {10, 20}, new double[] {2, 1}))));
            return null;
        });
        assertTrue(plot.getRangeAxis().isTickLabelsVisible());
        assertEquals(300, plot.getDomainAxis().getUpperBound());
        fx(() -> {
            chart.setLines("loss", List.of(new CurveChart.Line("a", "", "", new Curve(new double[] {10, 450}, new double[] {2, 1}))));
            return null;
        });
        assertEquals(450, plot.getDomainAxis().getUpperBound());
        // the log axis follows the same rule
        fx(() -> {
            chart.clear();
            chart.logScaleBox().fire();
            return null;
        });
        assertFalse(plot.getRangeAxis().isTickLabelsVisible());
    }
}
