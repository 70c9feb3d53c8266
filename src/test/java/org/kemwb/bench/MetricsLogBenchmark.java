package org.kemwb.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.kemwb.runs.MetricsLog;

/**
 * Cost of watching a metrics log (what the Runs page pays every 2 s per run): the first read of
 * a long log, a poll after a few appended rows, and a poll when nothing changed. Prints
 * milliseconds (median of 5). Run: {@code bench/metrics-log.sh}.
 */
public final class MetricsLogBenchmark {
    private MetricsLogBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("kemwb-metrics-bench");
        Path file = dir.resolve("metrics.csv");
        StringBuilder sb = new StringBuilder("step,kind,lr,loss,loss_semseg,loss_depth,loss_normals,semseg_miou,depth_rmse,normals_mean_deg,convention,step_ms\n");
        for (int s = 1; s <= rows; s++) {
            sb.append(String.format(Locale.ROOT, "%d,train,%.6g,%.6g,%.6g,%.6g,%.6g,,,,,%.6g%n", s, 1e-3, 1.0 / s, 0.5 / s, 0.3 / s, 0.2 / s, 120.0));
        }
        Files.writeString(file, sb);
        System.out.printf(Locale.ROOT, "metrics.csv: %d rows, %.1f MB%n", rows, Files.size(file) / 1e6);
        double[] first = new double[5];
        double[] append = new double[5];
        double[] idle = new double[5];
        int step = rows;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            MetricsLog log = MetricsLog.read(file);
            first[r] = (System.nanoTime() - t0) / 1e6;
            StringBuilder more = new StringBuilder();
            for (int k = 0; k < 10; k++) {
                step++;
                more.append(step).append(",train,0.001,0.1,0.1,0.1,0.1,,,,,120\n");
            }
            Files.writeString(file, more, StandardOpenOption.APPEND);
            t0 = System.nanoTime();
            log.poll();
            append[r] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            log.poll();
            idle[r] = (System.nanoTime() - t0) / 1e6;
            if (log.curve("loss").size() != step) {
                throw new IllegalStateException("read " + log.curve("loss").size() + " of " + step);
            }
        }
        System.out.printf(Locale.ROOT, "first read %.1f ms, poll after 10 appended rows %.2f ms, poll with nothing new %.3f ms (median of 5)%n",
                median(first), median(append), median(idle));
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }
}
