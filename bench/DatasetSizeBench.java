import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.kemwb.bench.ProcessMemory;
import org.kemwb.data.FolderDataset;
import org.kemwb.data.Sample;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.Augment;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;

/**
 * Training at NYUD-v2's size (issue 14) on the committed 480x640 NYUD-layout set: time to read one
 * image with its labels at its own size (FolderDataset.loadNative), time of one augmentation
 * (Augment.random: scale 0.5-2, crop 448x576, flip), and the training step time (step_ms of
 * metrics.csv, median after the first two steps) and peak RSS of a 448x576 model, patch 16
 * (28 x 36 tokens), at the given widths d. Wall and thread CPU time (the latter moves less with load).
 * Run: bench/dataset-size.sh [steps] [batch] [dims...]
 */
public class DatasetSizeBench {
    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Integer> dims = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            dims.add(Integer.parseInt(args[i]));
        }
        if (dims.isEmpty()) {
            dims = List.of(16, 128);
        }
        Path set = Path.of("src", "test", "resources", "nyud-synth4");
        var tasks = EnumSet.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS, Task.EDGES);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        FolderDataset train = new FolderDataset(set, "train", tasks, FolderDataset.NYUD_CLASSES, 7);
        List<Double> readWall = new ArrayList<>();
        List<Double> readCpu = new ArrayList<>();
        Sample s = null;
        for (int r = 0; r < 5; r++) {
            for (int i = 0; i < train.size(); i++) {
                long w0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                s = train.loadNative(i);
                readWall.add((System.nanoTime() - w0) / 1e6);
                readCpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
            }
        }
        System.out.printf("read 480x640 image + 4 labels: wall %.1f ms, cpu %.1f ms (median of %d)%n", median(readWall),
                median(readCpu), readWall.size());
        SplittableRandom rnd = new SplittableRandom(1);
        List<Double> augWall = new ArrayList<>();
        List<Double> augCpu = new ArrayList<>();
        for (int r = 0; r < 60; r++) {
            long w0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            Augment.random(s, 448, 576, 0.5, 2.0, rnd);
            if (r >= 10) {
                augWall.add((System.nanoTime() - w0) / 1e6);
                augCpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
            }
        }
        System.out.printf("augment 480x640 -> 448x576 (s 0.5-2, flip): wall %.1f ms, cpu %.1f ms (median of %d)%n", median(augWall),
                median(augCpu), augWall.size());
        System.out.println("dim,heads,height,width,patch,tokens_per_task,batch,steps,step_ms_median,peak_rss_mb");
        for (int d : dims) {
            int heads = d >= 64 ? 4 : 1;
            ModelConfig m = new ModelConfig(List.copyOf(tasks), InteractionKind.KEM, 32, 16, d, heads, 2, 2, 2, 20, 3, 1.0,
                    FolderDataset.NYUD_CLASSES, 7, 7L, ModelConfig.STEM, 0, false, 0, 448, 576);
            TrainConfig cfg = new TrainConfig(m, steps, batch, 1e-4, 1e-4, 1, 0.9, 1, steps, 1, 1, 3, 1, "cpu", Map.of(), set.toString(),
                    2.0, 1.0, 0.5);
            Path run = Files.createTempDirectory("bench-nyud-" + d);
            ProcessMemory.resetPeak();
            TrainingRun.create(run, cfg).run(row -> { }, () -> false);
            List<Double> ms = new ArrayList<>();
            for (var row : TrainingRun.readMetrics(run)) {
                if (row.get("kind").equals("train") && Integer.parseInt(row.get("step")) > 2) {
                    ms.add(Double.parseDouble(row.get("step_ms")));
                }
            }
            System.out.printf("%d,%d,448,576,16,1008,%d,%d,%.0f,%d%n", d, heads, batch, steps, median(ms),
                    ProcessMemory.peakBytes() >> 20);
        }
    }
}
