package org.kemwb.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Not a test: writes a screenshot of every page (and of the Attention page's memory slots) at
 * 1024x700 and 1600x1000, light and dark,
 * into the folder named by {@code -Dkemwb.screenshots} (run by {@code scripts/screenshots.sh};
 * skipped otherwise). Inspect shows a synthetic dataset image so its ground-truth rows appear.
 */
@EnabledIfSystemProperty(named = "kemwb.screenshots", matches = ".+")
class Screenshots {
    static WorkbenchApp app;
    static Stage stage;

    @BeforeAll
    static void start() throws Exception {
        Path tmp = Files.createTempDirectory("kemwb-shots");
        System.setProperty("kemwb.runs", tmp.resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
        Path data = tmp.resolve("dataset");
        org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), "data", "synth", "--out",
                data.toString(), "--count", "2", "--size", "128", "--seed", "5");
        Path image = data.resolve("images").resolve("000001.png");
        Platform.runLater(() -> app.state().openImage(image));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.state().groundTruthProperty().get() != null
                && app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    @Test
    void everyPageAtTwoSizesInBothThemes() throws Exception {
        Path out = Path.of(System.getProperty("kemwb.screenshots"));
        Files.createDirectories(out);
        AttentionView attention = (AttentionView) fx(() -> app.window().page("Attention"));
        RunsView runs = (RunsView) fx(() -> app.window().page("Runs"));
        fx(() -> {
            attention.selectHead(0); // one head: the page then shows what the head mean hides
            attention.select(0.3, 0.6);
            attention.whatIf().select(0.3, 0.3, 0.65, 0.7);
            attention.whatIf().apply();
            return null;
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> attention.whatIf().hasResults());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> attention.readouts().shown() != null);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !runs.table().getItems().isEmpty());
        fx(() -> {
            var items = runs.table().getItems();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).name().equals("kem") || items.get(i).name().equals("ca")) {
                    runs.table().getSelectionModel().select(i);
                }
            }
            return null;
        });
        for (boolean dark : List.of(false, true)) {
            fx(() -> {
                app.window().setDark(dark);
                return null;
            });
            for (int[] size : List.of(new int[] {1024, 700}, new int[] {1600, 1000})) {
                fx(() -> {
                    stage.setWidth(size[0]);
                    stage.setHeight(size[1]);
                    return null;
                });
                for (String page : MainWindowPages.NAMES) {
                    fx(() -> {
                        app.window().show(page);
                        if (page.equals("Inspect")) {
                            ((InspectView) app.window().page("Inspect")).hover(0.42, 0.62);
                        }
                        return null;
                    });
                    Thread.sleep(1500); // charts and images settle
                    WaitForAsyncUtils.waitForFxEvents();
                    shoot(out, page.toLowerCase(Locale.ROOT).replace(' ', '-'), size, dark);
                    if (page.equals("Attention")) {
                        // the memory slots the selected token writes from, and the slot read-outs below them
                        fx(() -> {
                            attention.scrollToMemory(true);
                            return null;
                        });
                        Thread.sleep(500);
                        WaitForAsyncUtils.waitForFxEvents();
                        shoot(out, "attention-slots", size, dark);
                        fx(() -> {
                            attention.scrollToMemory(false);
                            return null;
                        });
                    }
                }
            }
        }
    }

    static void shoot(Path out, String page, int[] size, boolean dark) throws Exception {
        var image = fx(() -> stage.getScene().snapshot(null));
        String name = String.format(Locale.ROOT, "%s-%dx%d-%s.png", page, size[0], size[1], dark ? "dark" : "light");
        javax.imageio.ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", out.resolve(name).toFile());
    }

    /** The page names in navigation order. */
    static final class MainWindowPages {
        static final List<String> NAMES = List.of("Inspect", "Attention", "Toy noise", "Imbalance", "Train", "Runs");
    }
}
