package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** What the screen says always matches what is shown: image strip, what-if results, messages, Recent. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaleStateTest {
    static WorkbenchApp app;
    static Stage stage;
    static Path dir;
    static final FxRobot robot = new FxRobot();
    static final Path SCENE0 = Path.of("samples", "images", "scene-0.png");
    static final Path SCENE1 = Path.of("samples", "images", "scene-1.png");

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kemwb-stale");
        System.setProperty("kemwb.runs", dir.resolve("runs").toString());
        System.setProperty("kemwb.samples", "samples");
        stage = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        waitFor(() -> app.state().predictionProperty(WorkbenchState.Slot.COMPARISON).get() != null, 90);
        Platform.runLater(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
    }

    /** Waits for a condition; {@code seconds} is only a hint: a busy machine gets the hang limit of 600 s. */
    static void waitFor(BooleanSupplier condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(Math.max(seconds, 600), TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A page, built on the FX thread if it was not yet. */
    static javafx.scene.Node page(String name) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> app.window().page(name)).get(30, TimeUnit.SECONDS);
    }

    static void showImage(Path image) throws Exception {
        Platform.runLater(() -> app.state().openImage(image));
        waitFor(() -> image.equals(app.state().imagePathProperty().get()), 30);
    }

    @Test
    @Order(1)
    void theStripHighlightsTheImageShownAndAClickShowsTheClickedImage() throws Exception {
        Platform.runLater(() -> app.window().show("Inspect"));
        showImage(SCENE1);
        InspectView view = (InspectView) page("Inspect");
        assertEquals(SCENE1, view.strip().getSelectionModel().getSelectedItem(), "the strip highlights the image shown");
        // opened elsewhere (drop, Recent, Ctrl+O): the strip follows
        showImage(SCENE0);
        assertEquals(SCENE0, view.strip().getSelectionModel().getSelectedItem());
        ListCell<?> cell = robot.lookup("#image-strip .list-cell").match(n -> n instanceof ListCell<?> c && SCENE1.equals(c.getItem()))
                .query();
        robot.clickOn(cell);
        waitFor(() -> SCENE1.equals(app.state().imagePathProperty().get()), 30);
        assertEquals(SCENE1, view.strip().getSelectionModel().getSelectedItem());
        assertTrue(robot.lookup("#inspect-caption").queryLabeled().getText().contains("scene-1.png"),
                robot.lookup("#inspect-caption").queryLabeled().getText());
    }

    @Test
    @Order(2)
    void whatIfResultsAreClearedWhenTheImageChanges() throws Exception {
        Platform.runLater(() -> app.window().show("Attention"));
        AttentionView view = (AttentionView) page("Attention");
        Platform.runLater(() -> {
            view.whatIf().select(0.2, 0.2, 0.6, 0.6);
            view.whatIf().apply();
        });
        waitFor(() -> view.whatIf().hasResults(), 60);
        String note = view.whatIf().note().getText();
        assertTrue(note.contains("scene-1.png") && note.contains("kem"), note);
        assertTrue(robot.lookup("#whatif-corrupted").queryAs(javafx.scene.image.ImageView.class).getImage() != null,
                "the corrupted input is shown");
        String depthCaption = robot.lookup("#whatif-maps .label").queryAll().stream().map(n -> ((javafx.scene.control.Label) n).getText())
                .filter(t -> t.startsWith("depth")).findFirst().orElseThrow();
        assertTrue(depthCaption.contains(" m inside") && depthCaption.contains(" m outside"), "units: " + depthCaption);
        showImage(SCENE0);
        waitFor(() -> !view.whatIf().hasResults(), 10);
        assertTrue(view.whatIf().note().getText().startsWith("Results cleared: the image changed"), view.whatIf().note().getText());
    }

    @Test
    @Order(3)
    void everyErrorStaysInTheLogAndFailedFilesStayOutOfRecent() throws Exception {
        Path bad1 = Files.writeString(dir.resolve("first_bad.png"), "not an image");
        Path bad2 = Files.writeString(dir.resolve("second_bad.png"), "not an image either");
        int before = app.state().messages().size();
        Platform.runLater(() -> {
            app.window().open(bad1);
            app.window().open(bad2);
        });
        waitFor(() -> app.state().messages().size() >= before + 2, 30);
        List<String> log = app.state().messages().stream().map(WorkbenchState.Message::text).toList();
        assertTrue(log.stream().anyMatch(m -> m.contains("first_bad.png")), log.toString());
        assertTrue(log.stream().anyMatch(m -> m.contains("second_bad.png")), log.toString());
        assertTrue(robot.lookup("#messages-button").queryButton().getText().contains(String.valueOf(log.size())));
        robot.clickOn("#messages-button");
        waitFor(() -> robot.lookup("#message-list").tryQuery().isPresent(), 10);
        javafx.scene.control.ListView<?> list = robot.lookup("#message-list").queryListView();
        assertTrue(list.getItems().size() >= 2, "the log window lists both errors");
        // closable without a window manager's title bar: its own Close button (also Esc, the cancel button)
        var logWindow = list.getScene().getWindow();
        assertTrue(robot.lookup("#messages-close").queryButton().isCancelButton(), "Esc closes the log window");
        robot.clickOn("#messages-close");
        waitFor(() -> !logWindow.isShowing(), 10);
        // only files that opened enter Recent, with their names intact
        Path good = dir.resolve("my_scene_copy.png");
        Files.copy(SCENE0, good);
        Platform.runLater(() -> app.window().open(good));
        waitFor(() -> good.equals(app.state().imagePathProperty().get()), 30);
        waitFor(() -> RecentFiles.list().contains(good.toAbsolutePath().toString()), 10);
        assertFalse(RecentFiles.list().contains(bad1.toAbsolutePath().toString()), "a file that failed is not in Recent");
        assertFalse(RecentFiles.list().contains(bad2.toAbsolutePath().toString()));
        MenuButton recent = robot.lookup("#recent-files").queryAs(MenuButton.class);
        Platform.runLater(recent::show);
        WaitForAsyncUtils.waitForFxEvents();
        var item = recent.getItems().stream().filter(i -> i.getText().endsWith("my_scene_copy.png")).findFirst().orElseThrow();
        assertFalse(item.isMnemonicParsing(), "underscores are shown, not taken as mnemonics");
        Platform.runLater(recent::hide);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    @Order(4)
    void aCheckpointThatFailsIsNeverCalledAnImage() throws Exception {
        Path model = Files.writeString(dir.resolve("model_v2.bin"), "garbage");
        Platform.runLater(() -> app.window().openCheckpoint(model));
        waitFor(() -> app.state().errorProperty().get() != null && app.state().errorProperty().get().contains("model_v2.bin"), 30);
        String error = app.state().errorProperty().get();
        assertFalse(error.toLowerCase(java.util.Locale.ROOT).contains("image"), error);
        assertFalse(RecentFiles.list().contains(model.toAbsolutePath().toString()));
    }

    @Test
    @Order(5)
    void aLongMessageNeverPushesTheStatusBarControlsAway() throws Exception {
        Platform.runLater(() -> app.window().show("Inspect"));
        Platform.runLater(() -> app.state().report("checkpoint " + "/very/long/folder/name".repeat(20) + "/model.params: broken"));
        WaitForAsyncUtils.waitForFxEvents();
        List<String> problems = new java.util.ArrayList<>();
        WaitForAsyncUtils.asyncFx(() -> problems.addAll(LayoutCheck.problems(stage.getScene()))).get(20, TimeUnit.SECONDS);
        assertEquals(List.of(), problems, String.join("\n", problems));
        var bar = robot.lookup("#status-bar").query();
        var button = robot.lookup("#messages-button").query();
        assertTrue(button.localToScene(button.getLayoutBounds()).getMaxX() <= stage.getScene().getWidth());
        assertTrue(bar.localToScene(bar.getLayoutBounds()).getMaxX() <= stage.getScene().getWidth() + 1);
    }

    @Test
    @Order(6)
    void theImbalanceCaptionSaysWhatIsShown() throws Exception {
        Platform.runLater(() -> app.window().show("Imbalance"));
        ImbalanceView view = (ImbalanceView) page("Imbalance");
        waitFor(() -> view.shown() != null, 30);
        assertTrue(view.shownLabel().getText().startsWith("Shown: ") && view.shownLabel().getText().contains("imbalance"),
                view.shownLabel().getText());
        robot.clickOn("#imbalance-run");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.shownLabel().getText().startsWith("Shown: a new run"), view.shownLabel().getText());
        Platform.runLater(() -> app.state().jobs().cancelNewestUserJob());
        waitFor(() -> !view.shownLabel().getText().endsWith("running."), 120);
    }
}
