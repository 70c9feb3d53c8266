package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Random;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.ImageView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import org.kemwb.infer.OutputChange;
import org.kemwb.infer.Prediction;

/**
 * What-if probing: drag a rectangle on the image, fill it with noise (or blank it), and every
 * task's output is recomputed for both models; heatmaps show where each output changed and the
 * labels how much changed outside the edited region, i.e. how far the corruption leaked.
 */
final class WhatIfView extends VBox {
    static final int SIZE = 256;
    static final int MAP = 160;
    private final WorkbenchState state;
    private final ImageView picture = new ImageView();
    private final Rectangle region = new Rectangle();
    private final GridPane maps = new GridPane(8, 4);
    private final ToggleButton noise = new ToggleButton("Noise");
    private double sx;
    private double sy;

    WhatIfView(WorkbenchState state) {
        this.state = state;
        setSpacing(6);
        picture.setFitWidth(SIZE);
        picture.setFitHeight(SIZE);
        region.getStyleClass().add("spot-marker");
        region.setManaged(false);
        Pane overlay = new Pane(region);
        StackPane canvas = new StackPane(picture, overlay);
        canvas.setMaxSize(SIZE, SIZE);
        canvas.setId("whatif-image");
        canvas.setOnMousePressed(e -> {
            sx = clamp(e.getX());
            sy = clamp(e.getY());
            region.setX(sx);
            region.setY(sy);
            region.setWidth(0);
            region.setHeight(0);
        });
        canvas.setOnMouseDragged(e -> {
            region.setX(Math.min(sx, clamp(e.getX())));
            region.setY(Math.min(sy, clamp(e.getY())));
            region.setWidth(Math.abs(clamp(e.getX()) - sx));
            region.setHeight(Math.abs(clamp(e.getY()) - sy));
        });
        ToggleButton blank = new ToggleButton("Blank");
        ToggleGroup mode = new ToggleGroup();
        noise.setToggleGroup(mode);
        blank.setToggleGroup(mode);
        noise.setSelected(true);
        Button apply = new Button("Recompute");
        apply.setId("whatif-apply");
        apply.setOnAction(e -> apply());
        maps.setId("whatif-maps");
        HBox controls = new HBox(8, new Label("Drag a region, then"), noise, blank, apply);
        controls.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(controls, new HBox(12, canvas, maps));
        state.imageProperty().addListener((o, a, img) -> picture.setImage(img == null ? null : Pictures.of(img)));
        if (state.imageProperty().get() != null) {
            picture.setImage(Pictures.of(state.imageProperty().get()));
        }
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(SIZE, v));
    }

    /** Sets the edited region (fractions of the image) without the mouse. */
    void select(double x0, double y0, double x1, double y1) {
        region.setX(x0 * SIZE);
        region.setY(y0 * SIZE);
        region.setWidth((x1 - x0) * SIZE);
        region.setHeight((y1 - y0) * SIZE);
    }

    void apply() {
        BufferedImage img = state.imageProperty().get();
        Prediction[] before = {state.predictionProperty(WorkbenchState.Slot.PRIMARY).get(),
            state.predictionProperty(WorkbenchState.Slot.COMPARISON).get()};
        if (img == null || before[0] == null || region.getWidth() < 1 || region.getHeight() < 1) {
            return;
        }
        double x0 = region.getX() / SIZE;
        double y0 = region.getY() / SIZE;
        double x1 = (region.getX() + region.getWidth()) / SIZE;
        double y1 = (region.getY() + region.getHeight()) / SIZE;
        BufferedImage edited = edit(img, x0, y0, x1, y1, noise.isSelected());
        state.probe(edited, after -> show(before, after, x0, y0, x1, y1));
    }

    static BufferedImage edit(BufferedImage img, double x0, double y0, double x1, double y1, boolean withNoise) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(img, 0, 0, null);
        Random rnd = new Random(7);
        for (int y = (int) (y0 * img.getHeight()); y < (int) (y1 * img.getHeight()); y++) {
            for (int x = (int) (x0 * img.getWidth()); x < (int) (x1 * img.getWidth()); x++) {
                int v = withNoise ? rnd.nextInt(1 << 24) : 0x808080;
                out.setRGB(x, y, v);
            }
        }
        return out;
    }

    private void show(Prediction[] before, Prediction[] after, double x0, double y0, double x1, double y1) {
        maps.getChildren().clear();
        for (int m = 0; m < 2; m++) {
            if (before[m] == null || after[m] == null) {
                continue;
            }
            Label title = new Label(before[m].interaction().id().toUpperCase(Locale.ROOT));
            title.getStyleClass().add("panel-title");
            maps.add(title, 0, m * 2);
            for (int t = 0; t < before[m].tasks().size(); t++) {
                float[] change = OutputChange.of(before[m], after[m], t);
                float max = 0;
                for (float v : change) {
                    max = Math.max(max, v);
                }
                int h = before[m].height();
                int w = before[m].width();
                ImageView heat = new ImageView(Pictures.heatmap(change, h, w, max, MAP, MAP));
                heat.setId("whatif-" + before[m].interaction().id() + "-" + before[m].tasks().get(t).id());
                double outside = OutputChange.mean(change, h, w, x0, y0, x1, y1, false);
                double inside = OutputChange.mean(change, h, w, x0, y0, x1, y1, true);
                Label caption = new Label(String.format(Locale.ROOT, "%s change: inside %.3g, outside %.3g", before[m].tasks().get(t).id(),
                        inside, outside));
                caption.setWrapText(true);
                caption.setMaxWidth(MAP + 30);
                maps.add(new VBox(2, caption, new StackPane(new ImageView(picture.getImage()) {
                    {
                        setFitWidth(MAP);
                        setFitHeight(MAP);
                    }
                }, heat)), t, m * 2 + 1);
            }
        }
    }
}
