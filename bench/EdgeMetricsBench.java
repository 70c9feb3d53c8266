import java.util.Arrays;
import java.util.SplittableRandom;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.metrics.EdgeMetrics;

/**
 * Time of the boundary benchmark (org.kemwb.metrics.EdgeMetrics: 99 thresholds, thinning,
 * Hopcroft-Karp matching) per image on synthetic scenes, at several image sizes. The prediction
 * is the edge label shifted by one pixel, blurred into its neighbours, plus uniform noise up to
 * 0.35. Wall time and the thread's CPU time (the latter barely moves with machine load). Run after a build: java -cp target/classes bench/EdgeMetricsBench.java [images] [sizes...]
 */
public class EdgeMetricsBench {
    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int[] sizes = args.length > 1 ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray() : new int[] {64, 128, 256};
        SyntheticScenes scenes = new SyntheticScenes(1);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.println("size,images,wall_ms_per_image_median_of_3,cpu_ms_per_image_median_of_3,ods_f");
        for (int s : sizes) {
            byte[][] label = new byte[images][];
            float[][] prob = new float[images][];
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < images; i++) {
                Sample sample = scenes.render(100_000 + i, s);
                label[i] = sample.edges();
                prob[i] = new float[s * s];
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        float v = (float) (rnd.nextDouble() * 0.35);
                        if (y > 0 && label[i][(y - 1) * s + x] == 1) {
                            v = Math.max(v, 0.9f); // the boundary one pixel lower
                        }
                        if (x > 0 && label[i][y * s + x - 1] == 1) {
                            v = Math.max(v, 0.5f); // a weaker neighbour
                        }
                        prob[i][y * s + x] = v;
                    }
                }
            }
            double[] ms = new double[3];
            double[] cpu = new double[3];
            double ods = 0;
            for (int round = -1; round < 3; round++) { // round -1: warm-up
                long t0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                EdgeMetrics m = new EdgeMetrics();
                for (int i = 0; i < images; i++) {
                    m.add(label[i], prob[i], s, s);
                }
                ods = m.odsF();
                if (round >= 0) {
                    ms[round] = (System.nanoTime() - t0) / 1e6 / images;
                    cpu[round] = (threads.getCurrentThreadCpuTime() - c0) / 1e6 / images;
                }
            }
            Arrays.sort(ms);
            Arrays.sort(cpu);
            System.out.printf(java.util.Locale.ROOT, "%d,%d,%.1f,%.1f,%.4f%n", s, images, ms[1], cpu[1], ods);
        }
    }
}
