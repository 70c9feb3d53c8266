package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import org.kemwb.experiment.ToyNoiseExperiment.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/** The Toy noise page starts from the same defaults object as {@code kemwb toy-noise}. */
class ToyNoiseViewTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void thePageRunsTheSharedDefaultsUntouched() throws Exception {
        CompletableFuture<Settings> settings = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                settings.complete(new ToyNoiseView(new WorkbenchState()).settings());
            } catch (Throwable t) {
                settings.completeExceptionally(t);
            }
        });
        assertEquals(Settings.defaults(), settings.get(30, TimeUnit.SECONDS));
    }
}
