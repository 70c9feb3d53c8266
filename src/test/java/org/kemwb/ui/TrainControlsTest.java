package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerLight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Train page's controls stay put while a run fills the curve choice with its metrics. */
@Timeout(300)
class TrainControlsTest {
    static WorkbenchState state;
    static Stage stage;
    @TempDir
    static Path runs;

    @BeforeAll
    static void toolkit() throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        state = fx(WorkbenchState::new);
    }

    @AfterAll
    static void close() {
        state.close();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    /** Waits until {@code n} pulses have passed (an animation timer counts them). */
    static void pulses(int n) throws Exception {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(n);
        javafx.animation.AnimationTimer timer = new javafx.animation.AnimationTimer() {
            @Override
            public void handle(long now) {
                latch.countDown();
            }
        };
        fx(() -> {
            timer.start();
            return null;
        });
        try {
            latch.await(120, TimeUnit.SECONDS);
        } finally {
            fx(() -> {
                timer.stop();
                return null;
            });
        }
    }

    static String where(Node page) {
        StringBuilder sb = new StringBuilder();
        for (String id : List.of("#train-start", "#train-cancel", "#train-curves", "#train-clear")) {
            Node n = page.lookup(id);
            Bounds b = n.localToScene(n.getLayoutBounds());
            sb.append(String.format(java.util.Locale.ROOT, "%s %.0f,%.0f %.0fx%.0f; ", id, b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight()));
        }
        return sb.toString();
    }

    @Test
    void metricsArrivingDuringARunDoNotMoveTheControls() throws Exception {
        TrainView view = fx(() -> {
            Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
            TrainView v = new TrainView(state, runs);
            stage.setScene(new Scene(v, 1024, 640));
            stage.show();
            // a tiny run that evaluates twice
            v.setSetting("model.imageSize", 32);
            v.setSetting("model.dim", 16);
            v.setSetting("model.heads", 2);
            v.setSetting("model.slots", 4);
            v.setSetting("model.topK", 2);
            v.setSetting("steps", 4);
            v.setSetting("batch", 2);
            v.setSetting("evalEvery", 2);
            v.setSetting("trainImages", 8);
            return v;
        });
        pulses(5);
        String before = fx(() -> where(view));
        fx(() -> {
            ((javafx.scene.control.Button) view.lookup("#train-start")).fire();
            return null;
        });
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> view.running() != null);
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> view.running() == null);
        pulses(5);
        @SuppressWarnings("unchecked")
        ComboBox<String> curves = (ComboBox<String>) view.lookup("#train-curves");
        List<String> offered = fx(() -> List.copyOf(curves.getItems()));
        assertTrue(offered.contains("semseg_miou"), "the run's metrics are offered: " + offered);
        String during = fx(() -> where(view));
        List<String> problems = new ArrayList<>();
        fx(() -> {
            curves.setValue(offered.getLast());
            return null;
        });
        pulses(5);
        String chosen = fx(() -> {
            problems.addAll(LayoutCheck.problems(view.getScene()));
            return where(view);
        });
        assertEquals(before, during, "the controls stay where they were when the metrics arrived");
        assertEquals(before, chosen, "and when a metric is chosen");
        assertEquals(List.of(), problems);
    }
}
