package org.kemwb.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.kemwb.experiment.ToyNoiseExperiment;
import org.kemwb.experiment.ToyNoiseExperiment.Settings;
import org.kemwb.model.InteractionKind;
import org.kemwb.util.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kemwb toy-noise}: paper fig. 1a. Its defaults are {@link Settings#defaults()}, the GUI page's too. */
@Command(name = "toy-noise", mixinStandardHelpOptions = true, defaultValueProvider = ToyNoiseCommand.Defaults.class,
        description = "Paper fig. 1a: does a pure-noise third task leak into tasks 1 and 2? (ca vs kem vs skem)")
public final class ToyNoiseCommand implements Callable<Integer> {
    @Option(names = "--modules", split = ",", description = "Interactions to compare (default: ${DEFAULT-VALUE}).")
    List<String> modules;
    @Option(names = "--seeds", description = "Seeds per module (default: ${DEFAULT-VALUE}).")
    int seeds;
    @Option(names = "--steps", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--noise", description = "Std of the noise task's tokens (default: ${DEFAULT-VALUE}).")
    double noise;
    @Option(names = "--jitter", description = "Std of the per-token jitter of tasks 1 and 2 (default: ${DEFAULT-VALUE}).")
    double jitter;
    @Option(names = "--slots", description = "KEM memory slots N (default: ${DEFAULT-VALUE}).")
    int slots;
    @Option(names = "--top-k", description = "Tokens each slot reads (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--lr", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--out", defaultValue = "toy-noise", description = "Folder for points.csv, summary.csv, table.txt.")
    Path out;

    /** Feeds picocli the values of {@link Settings#defaults()}. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
                return null;
            }
            Settings d = Settings.defaults();
            return switch (o.longestName()) {
                case "--modules" -> String.join(",", d.modules().stream().map(InteractionKind::id).toList());
                case "--seeds" -> Integer.toString(d.seeds());
                case "--steps" -> Integer.toString(d.steps());
                case "--noise" -> Double.toString(d.noise());
                case "--jitter" -> Double.toString(d.jitter());
                case "--slots" -> Integer.toString(d.slots());
                case "--top-k" -> Integer.toString(d.topK());
                case "--lr" -> Double.toString(d.lr());
                default -> null;
            };
        }
    }

    /** The settings the parsed options ask for. */
    Settings settings() {
        Settings d = Settings.defaults();
        return new Settings(modules.stream().map(InteractionKind::parse).toList(), seeds, steps, noise, jitter, slots, topK,
                d.tokens(), d.dim(), d.signalDim(), d.batch(), lr, d.logEvery()).validated();
    }

    @Override
    public Integer call() throws Exception {
        var experiment = new ToyNoiseExperiment(settings());
        Settings s = experiment.settings();
        StringBuilder points = new StringBuilder(ToyNoiseExperiment.Point.CSV_HEADER).append('\n');
        long total = (long) s.modules().size() * s.seeds() * s.pointsPerRun();
        long t0 = System.nanoTime();
        List<ToyNoiseExperiment.Summary> summary;
        try (ProgressBar bar = ConsoleProgress.bar("toy-noise", total)) {
            summary = experiment.run(p -> {
                points.append(p.csv()).append('\n');
                bar.step();
                bar.setExtraMessage(p.module().id() + " seed " + p.seed());
            }, () -> false);
        }
        String table = ToyNoiseExperiment.table(summary);
        System.out.print(table);
        AtomicFiles.writeString(out.resolve("points.csv"), points.toString());
        AtomicFiles.writeString(out.resolve("summary.csv"), ToyNoiseExperiment.summaryCsv(summary));
        AtomicFiles.writeString(out.resolve("table.txt"), table);
        System.out.printf(Locale.ROOT, "mean ± std over %d seeds; losses are MSE / target variance. %s (%.0f s)%n",
                s.seeds(), out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
