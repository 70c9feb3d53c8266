package org.kemwb.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.Button;
import org.kemwb.model.EngineSetup;
import org.kemwb.ui.TrainView;
import org.kemwb.ui.WorkbenchApp;
import org.kemwb.ui.WorkbenchState;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Longest gap between two JavaFX pulses (and the 99th percentile) while the Train page runs a
 * training run of N steps (default 300) in the headless workbench; the UI is smooth when the
 * gaps stay near the 16.7 ms pulse period. The libtorch intra-op thread count of the job is
 * KEMWB_THREADS when set, else cores-1 ({@link EngineSetup#uiJobThreads}). Run by
 * bench/gui-pulse.sh; prints one CSV line: steps,threads,pulses,longest_ms,p99_ms,run_s.
 */
public final class GuiPulseBenchmark {
    private GuiPulseBenchmark() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path runs = Files.createTempDirectory("kemwb-pulse-runs");
        System.setProperty("kemwb.runs", runs.toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        WorkbenchApp app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        TrainView view = (TrainView) app.window().page("Train");
        long[] gaps = new long[1 << 20];
        AtomicLong count = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AnimationTimer pulses = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long prev = last.getAndSet(now);
                if (prev != 0 && count.get() < gaps.length) {
                    gaps[(int) count.getAndIncrement()] = now - prev;
                }
            }
        };
        long t0 = System.nanoTime();
        WaitForAsyncUtils.asyncFx(() -> {
            view.setSetting("steps", steps);
            ((Button) view.lookup("#train-start")).fire();
            pulses.start();
        }).get();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> view.running() != null);
        WaitForAsyncUtils.waitFor(3600, TimeUnit.SECONDS, () -> view.running() == null || view.running().isDone());
        double runSeconds = (System.nanoTime() - t0) / 1e9;
        WaitForAsyncUtils.asyncFx(pulses::stop).get();
        long[] g = Arrays.copyOf(gaps, (int) count.get());
        Arrays.sort(g);
        int threads = EngineSetup.uiJobThreads(Runtime.getRuntime().availableProcessors(), System.getenv("KEMWB_THREADS"));
        System.out.printf(Locale.ROOT, "%d,%d,%d,%.1f,%.1f,%.1f%n", steps, threads, g.length,
                g.length == 0 ? Double.NaN : g[g.length - 1] / 1e6,
                g.length == 0 ? Double.NaN : g[(int) Math.min(g.length - 1, Math.floor(g.length * 0.99))] / 1e6, runSeconds);
        FxToolkit.cleanupApplication(app);
        Platform.exit();
        System.exit(0);
    }
}
