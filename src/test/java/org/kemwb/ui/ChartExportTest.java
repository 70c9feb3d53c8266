package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartExportTest {
    @TempDir
    Path dir;

    @Test
    void writesPngSvgAndCsv() throws Exception {
        XYSeries loss = new XYSeries("loss");
        loss.add(10, 2.5);
        loss.add(20, 1.25);
        XYSeriesCollection data = new XYSeriesCollection(loss);
        var chart = ChartFactory.createXYLineChart("t", "step", "loss", data);
        ChartExport.save(chart, data, dir.resolve("c.png"), 300, 200);
        ChartExport.save(chart, data, dir.resolve("c.svg"), 300, 200);
        ChartExport.save(chart, data, dir.resolve("c.csv"), 300, 200);
        byte[] png = Files.readAllBytes(dir.resolve("c.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        var img = javax.imageio.ImageIO.read(dir.resolve("c.png").toFile());
        assertEquals(300, img.getWidth());
        assertTrue(Files.readString(dir.resolve("c.svg")).contains("<svg"));
        assertEquals(List.of("series,x,y", "loss,10.0,2.5", "loss,20.0,1.25"), Files.readAllLines(dir.resolve("c.csv")));
        assertThrows(java.io.IOException.class, () -> ChartExport.save(chart, data, dir.resolve("c.txt"), 300, 200));
    }
}
