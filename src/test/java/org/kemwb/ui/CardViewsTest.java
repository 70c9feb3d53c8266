package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kemwb.infer.CardOutputs;
import org.kemwb.infer.CardPrediction;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A card model in the window: the committed tiny joint ViT (two tasks, a class + 4 register
 * token encoder attention with 2 heads, joint attention over both tasks' tokens) opened like
 * "Open checkpoint" does. Inspect shows exactly the card's tasks at the photo's size in the
 * card's colours and names what the card lacks; Attention draws, for the clicked pixel, the
 * heatmap CardPrediction.heatmapOnPhoto gives, per column group, per head or averaged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CardViewsTest {
    static final Path TINY = Path.of("src", "test", "resources", "org", "kemwb", "card", "tiny");
    static final FxRobot robot = new FxRobot();
    static final StackPane center = new StackPane();
    static WorkbenchState state;
    static InspectView inspect;
    static AttentionView attention;

    @BeforeAll
    static void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(center, 1280, 900));
            s.show();
        });
        state = fx(WorkbenchState::new);
        inspect = fx(() -> new InspectView(state));
        show(inspect);
        fx(() -> state.openImage(TINY.resolve("photo.png")));
        fx(() -> state.openCheckpoint(TINY.resolve("model.pt"), WorkbenchState.Slot.PRIMARY));
        waitFor(() -> state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get() != null, 120);
    }

    @AfterAll
    static void stop() throws Exception {
        fx(() -> {
            state.close();
            return null;
        });
        FxToolkit.cleanupStages();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(600, TimeUnit.SECONDS);
    }

    /** Waits for a condition; {@code seconds} is only a hint: a busy machine gets the hang limit of 600 s. */
    static void waitFor(BooleanSupplier condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(Math.max(seconds, 600), TimeUnit.SECONDS, () -> fx(condition::getAsBoolean));
        WaitForAsyncUtils.waitForFxEvents();
    }

    static void show(javafx.scene.Node page) throws Exception {
        fx(() -> {
            center.getChildren().setAll(page);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Whether a node and all its parents are visible. */
    static boolean shown(javafx.scene.Node n) {
        for (javafx.scene.Node x = n; x != null; x = x.getParent()) {
            if (!x.isVisible()) {
                return false;
            }
        }
        return true;
    }

    static CardPrediction card() {
        return state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get();
    }

    /** Every pixel of a JavaFX image as 0xRRGGBB. */
    static int[] pixels(Image img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] out = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), out, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xffffff;
        }
        return out;
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    static int[] rgb(int[] argb) {
        int[] out = argb.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xffffff;
        }
        return out;
    }

    @Test
    @Order(1)
    void inspectShowsEveryTaskOfTheCardAtThePhotosSizeAndNamesWhatItLacks() throws Exception {
        CardPrediction p = card();
        assertNull(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get(), "a card model is not a native model");
        waitFor(() -> robot.lookup("#output-semseg").tryQuery().isPresent(), 60);
        for (CardPrediction.TaskMap t : p.tasks()) {
            ImageView out = robot.lookup("#output-" + t.spec().name()).queryAs(ImageView.class);
            Image img = Pictures.source(out); // the data at its own size (class maps are shown as a sharp copy at display size)
            assertEquals(96, (int) img.getWidth(), t.spec().name() + " at the photo's width");
            assertEquals(64, (int) img.getHeight(), t.spec().name() + " at the photo's height");
            assertArrayEquals(rgb(pixels(CardOutputs.render(t, 96, 64))), pixels(img), t.spec().name() + ": the card's colours, pixel by pixel");
        }
        for (String absent : List.of("normals", "edge", "edges", "sal", "saliency", "parts")) {
            assertTrue(robot.lookup("#output-" + absent).tryQuery().isEmpty(), absent + " is not a task of the card");
        }
        String caption = robot.lookup("#inspect-caption").queryAs(Label.class).getText();
        assertTrue(caption.contains("Its card has no normals, edges, saliency outputs: not shown."), caption);
        assertTrue(caption.contains("2 tasks, 96x64 input"), caption);
        // hover: the class name of the card at that pixel, depth in metres
        fx(() -> {
            inspect.hover(0.25, 0.75);
            return null;
        });
        int x = 24;
        int y = 48;
        List<String> values = robot.lookup("#task-grid .label").queryAll().stream().map(n -> ((Label) n).getText()).toList();
        CardPrediction.TaskMap seg = p.task("semseg");
        String cls = seg.spec().classes().get(seg.classMap()[y * 96 + x]).name();
        assertTrue(values.contains(cls), "class " + cls + " in " + values);
        assertTrue(values.contains(String.format(java.util.Locale.ROOT, "%.2f m", p.task("depth").values()[y * 96 + x])), "depth in " + values);
    }

    @Test
    @Order(2)
    void attentionHeatmapOfTheClickedPixelIsHeatmapOnPhoto() throws Exception {
        attention = fx(() -> new AttentionView(state));
        show(attention);
        CardAttentionPane pane = robot.lookup("#card-attention").queryAs(CardAttentionPane.class);
        assertTrue(shown(pane));
        assertFalse(shown(robot.lookup("#attention-target").query()), "the native model's target-task choice is hidden");
        @SuppressWarnings("unchecked")
        ComboBox<String> outputs = robot.lookup("#card-attention-output").queryAs(ComboBox.class);
        assertEquals(List.of("encoder", "joint"), outputs.getItems());
        // click the image at photo pixel (70, 20): a point of the shown picture
        ImageView image = robot.lookup("#card-attention-image").queryAs(ImageView.class);
        Bounds b = image.localToScreen(image.getBoundsInLocal());
        double fx = (70 + 0.5) / 96;
        double fy = (20 + 0.5) / 64;
        robot.clickOn(new Point2D(b.getMinX() + fx * b.getWidth(), b.getMinY() + fy * b.getHeight()));
        WaitForAsyncUtils.waitForFxEvents();
        int[] picked = pane.picked();
        assertEquals(70, picked[0], 1, "clicked x");
        assertEquals(20, picked[1], 1, "clicked y");
        CardPrediction p = card();
        CardPrediction.AttentionMap enc = p.attention().get(0);
        int row = p.rowAt(enc, 0, picked[0], picked[1]);
        assertEquals(5 + 1 * 6 + 4, row, "photo (70, 20) lies in cell (1, 4) of the 4x6 grid, after the 5 prefix tokens");
        float[] want = p.heatmapOnPhoto(enc.grid(row, 0), 4, 6);
        assertArrayEquals(want, pane.heat(0), "heads averaged");
        ImageView heat = robot.lookup("#card-heat-0").queryAs(ImageView.class);
        assertArrayEquals(rgb(pixels(CardOutputs.overlay(state.imageProperty().get(), want, 0, pane.scaleMax()))), pixels(heat.getImage()),
                "drawn over the photo on the colour bar's scale (0 to the largest weight of the groups)");
        assertLaidOut(1, "encoder");
        String title = robot.lookup("#card-heat-title-0").queryAs(Label.class).getText();
        assertTrue(title.startsWith("on image tokens (4x6): "), title);
        String status = robot.lookup("#card-attention-status").queryAs(Label.class).getText();
        assertTrue(status.contains("its 5 prefix tokens (class, register) take "), status);

        // one head of two
        @SuppressWarnings("unchecked")
        ComboBox<String> heads = robot.lookup("#card-attention-head").queryAs(ComboBox.class);
        assertEquals(List.of("mean of 2 heads", "head 0", "head 1"), heads.getItems());
        fx(() -> {
            heads.setValue("head 1");
            return null;
        });
        assertArrayEquals(p.heatmapOnPhoto(enc.grid(row, 0, 1), 4, 6), pane.heat(0), "head 1");
        assertFalse(java.util.Arrays.equals(want, pane.heat(0)), "head 1 is not the mean");

        // joint attention: rows of the depth tokens, one map per task's tokens
        fx(() -> {
            outputs.setValue("joint");
            return null;
        });
        @SuppressWarnings("unchecked")
        ComboBox<String> rows = robot.lookup("#card-attention-rows").queryAs(ComboBox.class);
        assertEquals(List.of("semseg tokens (4x6)", "depth tokens (4x6)"), rows.getItems());
        fx(() -> {
            rows.setValue("depth tokens (4x6)");
            return null;
        });
        CardPrediction.AttentionMap joint = p.attention().get(1);
        int jointRow = p.rowAt(joint, 1, picked[0], picked[1]);
        assertEquals(24 + 1 * 6 + 4, jointRow);
        for (int g = 0; g < 2; g++) {
            assertArrayEquals(p.heatmapOnPhoto(joint.grid(jointRow, g), 4, 6), pane.heat(g), "joint, column group " + g);
        }
        assertTrue(heads.isDisabled(), "the card says this output's heads are averaged in the model");
        assertLaidOut(2, "joint");
        // at 1024x700 (the user's window): nothing cut, still no overlap
        javafx.stage.Window window = center.getScene().getWindow();
        fx(() -> {
            window.setWidth(1024);
            window.setHeight(700);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        List<String> problems = fx(() -> LayoutCheck.problems(center.getScene()));
        assertTrue(problems.isEmpty(), problems.toString());
        assertLaidOut(2, "joint at 1024x700");
        fx(() -> {
            window.setWidth(1280);
            window.setHeight(900);
            return null;
        });
    }

    /**
     * The Attention page's layout: the status line above every caption (no overlap, the user's
     * shots 30, 33, 35 had the captions drawn over it), all heatmaps and the photo starting at
     * the same height below their captions, a colour bar reading the groups' largest weight.
     */
    static void assertLaidOut(int groups, String what) throws Exception {
        fx(() -> {
            center.getScene().getRoot().applyCss();
            center.getScene().getRoot().layout();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        CardAttentionPane pane = robot.lookup("#card-attention").queryAs(CardAttentionPane.class);
        Label status = robot.lookup("#card-attention-status").queryAs(Label.class);
        Bounds header = status.localToScene(status.getBoundsInLocal());
        ImageView image = robot.lookup("#card-attention-image").queryAs(ImageView.class);
        double top = image.localToScene(image.getBoundsInLocal()).getMinY();
        for (int g = 0; g < groups; g++) {
            Label title = robot.lookup("#card-heat-title-" + g).queryAs(Label.class);
            Bounds t = title.localToScene(title.getBoundsInLocal());
            assertTrue(t.getMinY() >= header.getMaxY() - 0.5, what + ": caption " + g + " " + t + " overlaps the header " + header);
            ImageView heat = robot.lookup("#card-heat-" + g).queryAs(ImageView.class);
            Bounds hb = heat.localToScene(heat.getBoundsInLocal());
            assertEquals(top, hb.getMinY(), 0.5, what + ": heatmap " + g + " starts where the photo does");
            assertTrue(hb.getMinY() >= t.getMaxY(), what + ": heatmap " + g + " below its caption");
            assertTrue(t.getWidth() <= hb.getWidth() + 0.5, what + ": caption " + g + " wraps at the heatmap's width");
        }
        Label max = robot.lookup("#card-attention-scale-max").queryAs(Label.class);
        assertTrue(shown(max), what + ": the colour bar");
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f %%", 100 * pane.scaleMax()), max.getText(), what);
        Bounds bar = robot.lookup("#card-attention-scale").query().localToScene(robot.lookup("#card-attention-scale").query().getBoundsInLocal());
        assertTrue(bar.getMinY() >= header.getMaxY(), what + ": the colour bar below the header");
    }

    @Test
    @Order(3)
    void aCardWithoutAttentionSaysSoInsteadOfTheMaps() throws Exception {
        CardPrediction p = card();
        var noAttention = new org.kemwb.card.ModelCard(p.card().name(), p.card().input(), p.card().tasks(), List.of(), null);
        fx(() -> {
            state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).set(new CardPrediction(noAttention, p.width(), p.height(), p.tasks(),
                    List.of(), p.letterbox(), p.forwardMs()));
            return null;
        });
        Label note = robot.lookup("#card-attention-note").queryAs(Label.class);
        assertTrue(note.getText().contains("lists no attention outputs"), note.getText());
        assertFalse(shown(robot.lookup("#card-attention-maps").query()));
    }
}
