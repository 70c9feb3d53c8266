package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.control.Button;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import org.kemwb.experiment.ToyNoiseExperiment.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Toy noise page: the CLI's defaults object, every seed charted over the planned steps, the table. */
class ToyNoiseViewTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    static <T> T onFx(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }

    @Test
    void thePageRunsTheSharedDefaultsUntouched() throws Exception {
        assertEquals(Settings.defaults(), onFx(() -> new ToyNoiseView(new WorkbenchState()).settings()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunChartsEverySeedOfEveryModuleOverThePlannedStepsAndFillsTheTable() throws Exception {
        ToyNoiseView view = onFx(() -> {
            ToyNoiseView v = new ToyNoiseView(new WorkbenchState());
            ((Spinner<Integer>) v.lookup("#toy-seeds")).getValueFactory().setValue(2);
            ((Spinner<Integer>) v.lookup("#toy-steps")).getValueFactory().setValue(20);
            ((Button) v.lookup("#toy-run")).fire();
            return v;
        });
        TextArea table = (TextArea) view.lookup("#toy-table");
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, () -> onFx(() -> !table.getText().isEmpty()));
        LineChart<Number, Number> chart = (LineChart<Number, Number>) view.lookup("#toy-chart");
        onFx(() -> {
            int modules = Settings.defaults().modules().size();
            assertEquals(modules * 2, chart.getData().size(), "one series per module and seed");
            for (var s : chart.getData()) {
                assertEquals(2, s.getData().size(), s.getName() + ": steps 0 and 20 (logged every 20)");
            }
            NumberAxis x = (NumberAxis) chart.getXAxis();
            assertEquals(20.0, x.getUpperBound(), 0.0);
            assertTrue(table.getText().contains("DID NOT LEARN"), "20 steps do not learn the task: " + table.getText());
            assertTrue(table.getFont().getFamily().toLowerCase().contains("mono"), table.getFont().getFamily());
            return null;
        });
    }
}
