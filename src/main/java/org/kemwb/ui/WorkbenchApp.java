package org.kemwb.ui;

import atlantafx.base.theme.PrimerLight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.kemwb.model.EngineSetup;

/**
 * The JavaFX workbench. Shows the window at once; the engine and the bundled sample model and
 * image load in the background. Window size and position are remembered.
 */
public final class WorkbenchApp extends Application {
    /** Where the bundled samples live (the app's working folder, or -Dkemwb.samples). */
    static Path samples() {
        return Path.of(System.getProperty("kemwb.samples", "samples"));
    }

    /** Runs go to ./runs in a checkout, to ~/kemwb-runs in the installed app, or -Dkemwb.runs. */
    static Path runsFolder() {
        String explicit = System.getProperty("kemwb.runs");
        if (explicit != null) {
            return Path.of(explicit);
        }
        return Boolean.getBoolean("kemwb.packaged") ? Path.of(System.getProperty("user.home"), "kemwb-runs") : Path.of("runs");
    }

    private WorkbenchState state;
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        EngineSetup.init();
        org.kemwb.util.UiThreadGuard.registerCurrentThread(); // engine work here is recorded as a violation
        long launched = launchNanos();
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        state = new WorkbenchState();
        Path runs = runsFolder();
        window = new MainWindow(state, runs, List.of(runs, samples().resolve("runs")));
        Preferences prefs = Preferences.userNodeForPackage(WorkbenchApp.class);
        javafx.geometry.Rectangle2D usable = usableArea(prefs.getDouble("x", 40), prefs.getDouble("y", 40));
        double[] bounds = fit(prefs.getDouble("x", 40), prefs.getDouble("y", 40), prefs.getDouble("w", 1280),
                prefs.getDouble("h", 860), usable);
        Scene scene = new Scene(window, bounds[2], bounds[3]);
        var css = WorkbenchApp.class.getResource("/css/workbench.css");
        if (css != null) {
            scene.getStylesheets().add(css.toExternalForm());
        }
        window.installShortcuts();
        stage.setTitle("KEM Workbench");
        var icon = WorkbenchApp.class.getResourceAsStream("/icons/kemwb.png");
        if (icon != null) {
            stage.getIcons().add(new javafx.scene.image.Image(icon));
        }
        stage.setScene(scene);
        stage.setX(bounds[0]);
        stage.setY(bounds[1]);
        stage.setOnCloseRequest(e -> {
            prefs.putDouble("w", scene.getWidth());
            prefs.putDouble("h", scene.getHeight());
            prefs.putDouble("x", stage.getX());
            prefs.putDouble("y", stage.getY());
        });
        stage.show();
        System.err.printf("window shown %.0f ms after launch%n", (System.nanoTime() - launched) / 1e6);
        openSamples(launched);
        for (String arg : getParameters().getRaw()) {
            window.open(Path.of(arg)); // queued on the engine thread after the samples
        }
        window.probeGpus();
    }

    /** The usable area (without task bars) of the screen holding the point, else of the primary screen. */
    static javafx.geometry.Rectangle2D usableArea(double x, double y) {
        var screens = javafx.stage.Screen.getScreensForRectangle(x, y, 1, 1);
        return (screens.isEmpty() ? javafx.stage.Screen.getPrimary() : screens.getFirst()).getVisualBounds();
    }

    /**
     * The window's x, y, width, height: the remembered size shrunk to the usable screen area
     * (window decorations take about 40 px more), and moved so that it lies wholly on it.
     */
    static double[] fit(double x, double y, double w, double h, javafx.geometry.Rectangle2D usable) {
        double width = Math.min(w, usable.getWidth());
        double height = Math.min(h, usable.getHeight() - 40);
        double left = Math.max(usable.getMinX(), Math.min(x, usable.getMaxX() - width));
        double top = Math.max(usable.getMinY(), Math.min(y, usable.getMaxY() - height - 40));
        return new double[] {left, top, width, height};
    }

    /** Opens the first sample image, the KEM sample as primary and the CA sample as comparison. */
    void openSamples(long launched) {
        Path dir = samples();
        Path image = dir.resolve("images").resolve("scene-0.png");
        if (Files.exists(image)) {
            state.openImage(image);
        }
        Path kem = dir.resolve("checkpoints").resolve("kem.params");
        Path ca = dir.resolve("checkpoints").resolve("ca.params");
        if (Files.exists(kem)) {
            state.openCheckpoint(kem, WorkbenchState.Slot.PRIMARY);
        }
        if (Files.exists(ca)) {
            state.openCheckpoint(ca, WorkbenchState.Slot.COMPARISON);
        }
        state.predictionProperty(WorkbenchState.Slot.COMPARISON).addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends org.kemwb.infer.Prediction> o,
                    org.kemwb.infer.Prediction a, org.kemwb.infer.Prediction b) {
                if (b != null) {
                    System.err.printf("first outputs %.0f ms after launch%n", (System.nanoTime() - launched) / 1e6);
                    o.removeListener(this);
                    if (Boolean.getBoolean("kemwb.exitAfterFirstOutputs")) { // start-up measurements (bench/startup.sh)
                        javafx.application.Platform.exit();
                    }
                }
            }
        });
    }

    /**
     * System.nanoTime() of the moment the process started (the JVM's own start-up included),
     * from the operating system's process start time; falls back to the CLI's main().
     */
    static long launchNanos() {
        long now = System.nanoTime();
        return ProcessHandle.current().info().startInstant()
                .map(start -> now - java.time.Duration.between(start, java.time.Instant.now()).toNanos())
                .orElse(Long.getLong("kemwb.launchNanos", now));
    }

    public WorkbenchState state() {
        return state;
    }

    public MainWindow window() {
        return window;
    }

    @Override
    public void stop() {
        if (state != null) {
            state.close();
        }
    }
}
