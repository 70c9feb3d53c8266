package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.animation.AnimationTimer;
import javafx.beans.value.ChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * An idle page costs nothing: once the samples are shown and no job runs, no node of the page
 * asks for layout, pulse after pulse. The cause of Inspect (and Attention) idling at 20-69 % of
 * a core: sizes bound to a scroll pane's viewport bounds, which the scroll pane replaces with a
 * new object on every layout pass, so every pulse re-invalidated the bound sizes, laid the page
 * out and repainted it. Counted in pulses, not seconds: an animation timer forces pulses, and
 * every request for layout (a parent's needsLayout turning true) inside the page is counted.
 */
class IdleLayoutTest {
    static final int SETTLE = 30;
    static final int PULSES = 120;
    static WorkbenchApp app;

    @BeforeAll
    static void start() throws Exception {
        Path runs = Files.createTempDirectory("kemwb-idle-runs");
        System.setProperty("kemwb.runs", runs.toString());
        System.setProperty("kemwb.samples", "samples");
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS,
                () -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Inspect", "Attention", "Train"})
    void anIdlePageNeverAsksForLayout(String name) throws Exception {
        Node page = WaitForAsyncUtils.asyncFx(() -> {
            app.window().show(name);
            return app.window().page(name);
        }).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> app.state().jobs().jobs().isEmpty());
        AtomicInteger pulses = new AtomicInteger();
        AtomicBoolean counting = new AtomicBoolean();
        Map<String, Integer> requests = new TreeMap<>();
        CountDownLatch done = new CountDownLatch(1);
        List<Runnable> detach = new ArrayList<>();
        var scene = page.getScene();
        Runnable beforeLayout = () -> {
            int n = pulses.incrementAndGet();
            if (n == SETTLE) {
                watch(page, "", requests, counting, detach); // the page has settled: from now on nothing should move
                counting.set(true);
            } else if (n == SETTLE + PULSES) {
                counting.set(false);
                done.countDown();
            }
        };
        AnimationTimer keepPulsing = new AnimationTimer() {
            @Override
            public void handle(long now) {
            }
        };
        WaitForAsyncUtils.asyncFx(() -> {
            scene.addPreLayoutPulseListener(beforeLayout);
            keepPulsing.start();
        }).get(60, TimeUnit.SECONDS);
        try {
            assertTrue(done.await(600, TimeUnit.SECONDS), "pulses seen: " + pulses.get());
        } finally {
            WaitForAsyncUtils.asyncFx(() -> {
                keepPulsing.stop();
                scene.removePreLayoutPulseListener(beforeLayout);
                detach.forEach(Runnable::run);
            }).get(60, TimeUnit.SECONDS);
        }
        int total = requests.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total <= 2, name + ": " + total + " requests for layout in " + PULSES + " idle pulses, by node: " + requests);
    }

    /** Counts, while {@code counting}, every parent under {@code n} whose needsLayout turns true. */
    static void watch(Node n, String path, Map<String, Integer> requests, AtomicBoolean counting, List<Runnable> detach) {
        String here = path + "/" + n.getClass().getSimpleName() + (n.getId() == null ? "" : "#" + n.getId());
        if (n instanceof Parent p) {
            ChangeListener<Boolean> l = (o, was, now) -> {
                if (now && counting.get()) {
                    requests.merge(here, 1, Integer::sum);
                }
            };
            p.needsLayoutProperty().addListener(l);
            detach.add(() -> p.needsLayoutProperty().removeListener(l));
            for (Node c : p.getChildrenUnmodifiable()) {
                watch(c, here, requests, counting, detach);
            }
        }
    }
}
