package org.kemwb.ui;

import java.awt.Color;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.application.Platform;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;

/**
 * Light and dark colours for the JFreeChart charts (JFreeChart draws with AWT colours, so the
 * JavaFX theme does not reach it). Charts registered with {@link #apply} follow
 * {@link #setDark} for as long as they live (held weakly).
 */
public final class ChartStyle {
    private static final List<WeakReference<JFreeChart>> CHARTS = new CopyOnWriteArrayList<>();
    private static volatile boolean dark;

    /** Colours of one theme. */
    public record Palette(Color background, Color plot, Color grid, Color text) {}

    public static final Palette LIGHT = new Palette(Color.WHITE, Color.WHITE, new Color(0xD0D0D0), new Color(0x24292F));
    /** Matches AtlantaFX PrimerDark's canvas (#0d1117) and muted borders. */
    public static final Palette DARK = new Palette(new Color(0x0D1117), new Color(0x161B22), new Color(0x30363D), new Color(0xC9D1D9));

    /** Colours given to runs in order (colour-blind-safe Okabe–Ito, then Tableau). */
    private static final Color[] RUN_COLOURS = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xD55E00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x8C564B),
        new Color(0x7F7F7F), new Color(0xBCBD22)};

    private ChartStyle() {}

    public static boolean isDark() {
        return dark;
    }

    public static Palette palette() {
        return dark ? DARK : LIGHT;
    }

    /** The n-th run colour (cycles). */
    public static Color runColour(int n) {
        return RUN_COLOURS[Math.floorMod(n, RUN_COLOURS.length)];
    }

    /** Switches every registered chart to the theme (FX thread). */
    public static void setDark(boolean value) {
        dark = value;
        CHARTS.removeIf(r -> r.get() == null);
        for (var r : CHARTS) {
            JFreeChart c = r.get();
            if (c != null) {
                style(c);
            }
        }
    }

    /** Styles a chart for the current theme and keeps it following theme changes. Returns it. */
    public static JFreeChart apply(JFreeChart chart) {
        CHARTS.removeIf(r -> r.get() == null);
        CHARTS.add(new WeakReference<>(chart));
        style(chart);
        return chart;
    }

    private static void style(JFreeChart chart) {
        Palette p = palette();
        chart.setBackgroundPaint(p.background());
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(p.text());
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof LegendTitle legend) {
                legend.setBackgroundPaint(p.background());
                legend.setItemPaint(p.text());
            } else if (chart.getSubtitle(i) instanceof TextTitle t) {
                t.setPaint(p.text());
            }
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(p.plot());
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(p.grid());
            xy.setRangeGridlinePaint(p.grid());
            for (int i = 0; i < xy.getDomainAxisCount(); i++) {
                axis(xy.getDomainAxis(i), p);
            }
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                axis(xy.getRangeAxis(i), p);
            }
        } else if (plot instanceof CategoryPlot cat) {
            cat.setDomainGridlinePaint(p.grid());
            cat.setRangeGridlinePaint(p.grid());
            axis(cat.getDomainAxis(), p);
            for (int i = 0; i < cat.getRangeAxisCount(); i++) {
                axis(cat.getRangeAxis(i), p);
            }
        }
    }

    /** Re-styles one axis (call after replacing a chart's axis, e.g. linear to log). */
    public static void axis(Axis axis, Palette p) {
        if (axis == null) {
            return;
        }
        axis.setLabelPaint(p.text());
        axis.setTickLabelPaint(p.text());
        axis.setAxisLinePaint(p.grid());
        axis.setTickMarkPaint(p.grid());
    }

    static void onFx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }
}
