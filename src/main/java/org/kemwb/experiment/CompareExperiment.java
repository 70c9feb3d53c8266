package org.kemwb.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.kemwb.metrics.DeltaM;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.AtomicFiles;

/**
 * Paper tables 2/3 on synthetic scenes: single-task models (one run per task, no interaction)
 * and multi-task models with ca, kem and skem, all with the same steps, batch and data; the
 * table has each method's final metrics (published convention) and Δm against the single-task
 * results (one metric per task, {@link DeltaM}).
 */
public final class CompareExperiment {
    /** One table row: method name, metric values (metrics.csv names) and Δm (NaN for STL). */
    public record Row(String method, Map<String, Double> metrics, double deltaM) {}

    private final TrainConfig base;
    private final List<InteractionKind> modules;

    public CompareExperiment(TrainConfig base, List<InteractionKind> modules) {
        this.base = base.validated("compare");
        this.modules = List.copyOf(modules);
    }

    /**
     * Trains everything under {@code out} (one run folder per model; existing runs are resumed)
     * and writes {@code compare.csv}. {@code progress} gets (run name, metrics.csv row).
     */
    public List<Row> run(Path out, BiConsumer<String, Map<String, String>> progress, BooleanSupplier cancelled)
            throws IOException {
        Map<String, Double> stl = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Task task : base.model().tasks()) {
            String name = "stl-" + task.id();
            Map<String, Double> m = train(out, name, base.withModel(base.model().withTasks(List.of(task))
                    .withInteraction(InteractionKind.NONE)), progress, cancelled);
            stl.putAll(m);
        }
        rows.add(new Row("stl", stl, Double.NaN));
        for (InteractionKind kind : modules) {
            Map<String, Double> m = train(out, kind.id(), base.withModel(base.model().withInteraction(kind)), progress, cancelled);
            rows.add(new Row(kind.id(), m, DeltaM.of(m, stl)));
        }
        AtomicFiles.writeString(out.resolve("compare.csv"), csv(rows));
        return rows;
    }

    private Map<String, Double> train(Path out, String name, TrainConfig config,
            BiConsumer<String, Map<String, String>> progress, BooleanSupplier cancelled) throws IOException {
        Path dir = out.resolve(name);
        TrainingRun run = java.nio.file.Files.exists(dir.resolve(TrainingRun.RUN_JSON)) ? TrainingRun.open(dir)
                : TrainingRun.create(dir, config);
        org.kemwb.train.RunStatus status = run.run(row -> progress.accept(name, row), cancelled);
        if (status != org.kemwb.train.RunStatus.FINISHED) {
            throw new IOException("compare: run " + dir + " ended " + status);
        }
        if (run.convention() != org.kemwb.metrics.MetricConvention.PUBLISHED) {
            // an older run in the folder: its numbers would not be comparable with the others
            throw new IOException("compare: run " + dir + " was evaluated under the " + run.convention().id()
                    + " metric convention (an older run); delete it or choose another --out");
        }
        Map<String, Double> last = new LinkedHashMap<>();
        for (Map<String, String> r : TrainingRun.readMetrics(dir)) {
            if ("eval".equals(r.get("kind"))) {
                last.clear();
                r.forEach((k, v) -> {
                    if (!v.isEmpty() && TrainingRun.isMetric(k)) {
                        last.put(k, Double.parseDouble(v));
                    }
                });
            }
        }
        return last;
    }

    public static String csv(List<Row> rows) {
        List<String> metrics = new ArrayList<>();
        rows.forEach(r -> r.metrics().keySet().forEach(k -> {
            if (!metrics.contains(k)) {
                metrics.add(k);
            }
        }));
        StringBuilder sb = new StringBuilder("method,").append(String.join(",", metrics)).append(",delta_m\n");
        for (Row r : rows) {
            sb.append(r.method());
            for (String m : metrics) {
                Double v = r.metrics().get(m);
                sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v));
            }
            sb.append(',').append(Double.isNaN(r.deltaM()) ? "" : String.format(Locale.ROOT, "%+.2f", r.deltaM())).append('\n');
        }
        return sb.toString();
    }
}
