package org.kemwb.ui;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.kemwb.util.AtomicFiles;

/** Saves a chart as PNG or SVG, or its series as CSV (chosen by the file extension); any thread. */
public final class ChartExport {
    private ChartExport() {}

    public static void save(JFreeChart chart, XYSeriesCollection data, Path file, int width, int height) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
        } else if (name.endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(width, height);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
            byte[] svg = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(file, out -> out.write(svg));
        } else if (name.endsWith(".csv")) {
            StringBuilder sb = new StringBuilder("series,x,y\n");
            for (Object o : data.getSeries()) {
                XYSeries s = (XYSeries) o;
                for (int i = 0; i < s.getItemCount(); i++) {
                    sb.append(s.getKey()).append(',').append(s.getX(i)).append(',').append(s.getY(i)).append('\n');
                }
            }
            AtomicFiles.writeString(file, sb.toString());
        } else {
            throw new IOException("export " + file + ": use a .png, .svg or .csv file name");
        }
    }
}
