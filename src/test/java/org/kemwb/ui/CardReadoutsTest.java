package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Opening a card (TorchScript) model with the Attention page built, as "Open checkpoint…" does:
 * the slot read-outs (native KEM/sKEM only) are not measured, the page says why in a neutral
 * line, and nothing lands in the message log or the status bar (user report: "⚠ slot read-outs:
 * open a model first" after opening the tiny card model).
 */
@Timeout(900)
class CardReadoutsTest {
    static final Path TINY = Path.of("src", "test", "resources", "org", "kemwb", "card", "tiny");
    static WorkbenchState state;

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(600, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (state != null) {
            fx(() -> {
                state.close();
                return null;
            });
        }
        FxToolkit.cleanupStages();
    }

    @Test
    void openingACardModelLogsNoErrorAndSaysReadoutsNeedANativeModel() throws Exception {
        FxToolkit.registerPrimaryStage();
        StackPane center = new StackPane();
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(center, 1024, 768));
            s.show();
        });
        state = fx(WorkbenchState::new);
        AttentionView attention = fx(() -> new AttentionView(state));
        fx(() -> center.getChildren().setAll(attention));
        fx(() -> state.openImage(TINY.resolve("photo.png")));
        fx(() -> state.openCheckpoint(TINY.resolve("model.pt"), WorkbenchState.Slot.PRIMARY));
        // the engine runs jobs in order: once the card's prediction is out, anything the model change started has run
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS,
                () -> fx(() -> state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get() != null));
        WaitForAsyncUtils.waitForFxEvents();
        Label status = new FxRobot().lookup("#readouts-status").queryAs(Label.class);
        assertEquals(SlotReadoutsView.NEEDS_NATIVE, fx(status::getText));
        assertEquals(List.of(), fx(() -> state.messages().stream().map(WorkbenchState.Message::text).toList()), "message log");
        assertNull(fx(() -> state.errorProperty().get()), "status bar error");
    }
}
