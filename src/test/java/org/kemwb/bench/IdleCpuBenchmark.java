package org.kemwb.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import org.kemwb.ui.WorkbenchApp;
import org.kemwb.ui.WorkbenchState;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * CPU the headless workbench uses while nobody does anything: after the samples are open, on
 * Inspect, on Train (after its page was built) and on Runs (which polls its folders every 2 s).
 * Prints one CSV line per page: page,seconds,cpu_percent_of_one_core. Run by bench/idle-cpu.sh
 * [seconds] [pages, comma-separated; default Inspect,Train,Runs,Inspect].
 */
public final class IdleCpuBenchmark {
    private IdleCpuBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path runs = Files.createTempDirectory("kemwb-idle-runs");
        System.setProperty("kemwb.runs", runs.toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        WorkbenchApp app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS,
                () -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("page,seconds,cpu_percent_of_one_core");
        String[] pages = args.length > 1 ? args[1].split(",") : new String[] {"Inspect", "Train", "Runs", "Inspect"};
        for (String page : pages) {
            WaitForAsyncUtils.asyncFx(() -> app.window().show(page)).get();
            Thread.sleep(5000); // settle (page build, first poll)
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double pct = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
            System.out.printf(Locale.ROOT, "%s,%d,%.1f%n", page, seconds, pct);
        }
        FxToolkit.cleanupApplication(app);
        Platform.exit();
        System.exit(0);
    }
}
