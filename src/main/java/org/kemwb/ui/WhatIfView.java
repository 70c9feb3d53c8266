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
    /** Pixels of the change maps; they are drawn scaled to the panel size. */
    static final int MAP = 160;
    /** Side of the image and of the change maps (from the page's width). */
    private final javafx.beans.property.DoubleProperty size = new javafx.beans.property.SimpleDoubleProperty(256);
    /** Width / height of the shown image (issue 4: it is drawn at its own aspect, not squashed square). */
    private final javafx.beans.property.DoubleProperty aspect = new javafx.beans.property.SimpleDoubleProperty(1);
    /** Displayed width and height of the image: its aspect, fitted in a {@code size} x {@code size} box. */
    private final javafx.beans.binding.DoubleBinding shownW = javafx.beans.binding.Bindings.createDoubleBinding(
            () -> size.get() * Math.min(1, aspect.get()), size, aspect);
    private final javafx.beans.binding.DoubleBinding shownH = javafx.beans.binding.Bindings.createDoubleBinding(
            () -> size.get() * Math.min(1, 1 / aspect.get()), size, aspect);
    private final javafx.beans.property.DoubleProperty mapSide = new javafx.beans.property.SimpleDoubleProperty(MAP);
    private final WorkbenchState state;
    private final ImageView picture = new ImageView();
    private final Rectangle region = new Rectangle();
    private final GridPane maps = new GridPane(8, 4);
    private final ToggleButton noise = new ToggleButton("Noise");
    private final Label note = Layouts.wrapping(new Label("No results yet."));
    private final ImageView corrupted = new ImageView();
    /** Counts image and model changes; a probe that finishes after one is dropped. */
    private int generation;
    private double sx;
    private double sy;

    WhatIfView(WorkbenchState state) {
        this.state = state;
        setSpacing(6);
        picture.fitWidthProperty().bind(shownW);
        picture.fitHeightProperty().bind(shownH);
        region.getStyleClass().add("spot-marker");
        region.setManaged(false);
        Pane overlay = new Pane(region);
        StackPane canvas = new StackPane(picture, overlay);
        canvas.maxWidthProperty().bind(shownW);
        canvas.maxHeightProperty().bind(shownH);
        canvas.setId("whatif-image");
        canvas.setOnMousePressed(e -> {
            sx = clamp(e.getX(), shownW.get());
            sy = clamp(e.getY(), shownH.get());
            region.setX(sx);
            region.setY(sy);
            region.setWidth(0);
            region.setHeight(0);
        });
        canvas.setOnMouseDragged(e -> {
            double x = clamp(e.getX(), shownW.get());
            double y = clamp(e.getY(), shownH.get());
            region.setX(Math.min(sx, x));
            region.setY(Math.min(sy, y));
            region.setWidth(Math.abs(x - sx));
            region.setHeight(Math.abs(y - sy));
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
        var controls = Layouts.row(new Label("Drag a region, then"), noise, blank, apply);
        note.setId("whatif-note");
        note.setMnemonicParsing(false);
        corrupted.fitWidthProperty().bind(shownW);
        corrupted.fitHeightProperty().bind(shownH);
        corrupted.setId("whatif-corrupted");
        Label corruptedTitle = new Label("corrupted input");
        corruptedTitle.visibleProperty().bind(corrupted.imageProperty().isNotNull());
        corruptedTitle.managedProperty().bind(corruptedTitle.visibleProperty());
        getChildren().addAll(controls, note, new HBox(12, new VBox(6, canvas, corruptedTitle, corrupted), maps));
        state.imageProperty().addListener((o, a, img) -> show(img));
        // results belong to one image and one pair of models: any change makes them stale
        state.imageProperty().addListener((o, a, b) -> clear("the image changed"));
        state.predictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, b) -> {
            if (a != null && b != null && a.config() != b.config()) {
                clear("the model changed");
            }
        });
        state.modelPathProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, b) -> clear("the model changed"));
        state.modelPathProperty(WorkbenchState.Slot.COMPARISON).addListener((o, a, b) -> clear("the comparison model changed"));
        show(state.imageProperty().get());
    }

    private void show(BufferedImage img) {
        picture.setImage(img == null ? null : Pictures.of(img));
        aspect.set(img == null ? 1 : (double) img.getWidth() / img.getHeight());
    }

    /** The probed image's node (image and region overlay), drawn at the image's aspect (tests). */
    ImageView picture() {
        return picture;
    }

    /**
     * Binds the panel sizes to the width the page offers: the image and three change maps per
     * row share it.
     */
    void bindSizes(javafx.beans.value.ObservableDoubleValue width) {
        size.bind(javafx.beans.binding.Bindings.createDoubleBinding(() -> Math.max(120, Math.min(360, (width.get() - 60) / 4)), width));
        mapSide.bind(javafx.beans.binding.Bindings.createDoubleBinding(() -> Math.max(100, Math.min(300, (width.get() - 60) / 4 - 12)), width));
    }

    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Sets the edited region (fractions of the image) without the mouse. */
    void select(double x0, double y0, double x1, double y1) {
        double w = shownW.get();
        double h = shownH.get();
        region.setX(x0 * w);
        region.setY(y0 * h);
        region.setWidth((x1 - x0) * w);
        region.setHeight((y1 - y0) * h);
    }

    void apply() {
        BufferedImage img = state.imageProperty().get();
        Prediction[] before = {state.predictionProperty(WorkbenchState.Slot.PRIMARY).get(),
            state.predictionProperty(WorkbenchState.Slot.COMPARISON).get()};
        if (img == null || before[0] == null || region.getWidth() < 1 || region.getHeight() < 1) {
            return;
        }
        double w = shownW.get();
        double h = shownH.get();
        double x0 = region.getX() / w;
        double y0 = region.getY() / h;
        double x1 = (region.getX() + region.getWidth()) / w;
        double y1 = (region.getY() + region.getHeight()) / h;
        BufferedImage edited = edit(img, x0, y0, x1, y1, noise.isSelected());
        int started = generation;
        String how = noise.isSelected() ? "noise" : "grey";
        note.setText("Computing…");
        state.probe(edited, after -> {
            if (started != generation) {
                return; // the image or a model changed meanwhile: these results would mislead
            }
            corrupted.setImage(Pictures.of(edited));
            show(before, after, x0, y0, x1, y1);
            note.setText(String.format(Locale.ROOT, "Change of each output when the region x %.0f–%.0f %%, y %.0f–%.0f %% of %s is "
                    + "filled with %s (models: %s).", 100 * x0, 100 * x1, 100 * y0, 100 * y1, imageName(), how, modelNames(before)));
        });
    }

    private String imageName() {
        var path = state.imagePathProperty().get();
        return path == null ? "the image" : path.getFileName().toString();
    }

    private static String modelNames(Prediction[] models) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (Prediction p : models) {
            if (p != null) {
                names.add(p.interaction().id());
            }
        }
        return String.join(", ", names);
    }

    /** Drops the results, saying why (the image or a model changed since they were computed). */
    void clear(String why) {
        generation++;
        if (!maps.getChildren().isEmpty() || corrupted.getImage() != null) {
            note.setText("Results cleared: " + why + ". Drag a region and press Recompute.");
        }
        maps.getChildren().clear();
        corrupted.setImage(null);
    }

    /** The line saying what the results show (tests). */
    Label note() {
        return note;
    }

    /** Whether results are on screen (tests). */
    boolean hasResults() {
        return !maps.getChildren().isEmpty();
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

    /** What a change map's numbers mean, with units: share of pixels for class maps, metres, degrees, probability. */
    static String changeText(org.kemwb.model.Task task, double inside, double outside) {
        return switch (task) {
            case SEMSEG, PARTS -> String.format(Locale.ROOT, "%s: class changed on %.1f %% of pixels inside, %.1f %% outside",
                    task.id(), 100 * inside, 100 * outside);
            case DEPTH -> String.format(Locale.ROOT, "depth: mean |Δ| %.3f m inside, %.3f m outside", inside, outside);
            case NORMALS -> String.format(Locale.ROOT, "normals: mean angle %.1f° inside, %.1f° outside", inside, outside);
            case EDGES, SALIENCY -> String.format(Locale.ROOT, "%s: mean |Δp| %.3f inside, %.3f outside (probability)", task.id(),
                    inside, outside);
        };
    }

    private javafx.scene.Node changeScale(org.kemwb.model.Task task, float max) {
        String unit = switch (task) {
            case SEMSEG, PARTS -> "";
            case DEPTH -> "m";
            case NORMALS -> "°";
            case EDGES, SALIENCY -> "(Δp)";
        };
        return InspectView.scale(0, max, unit, javafx.beans.binding.Bindings.createDoubleBinding(mapSide::get, mapSide));
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
                // true aspect: the longer side of the image spans the map side
                double aspect = (double) w / h;
                var fitW = mapSide.multiply(aspect >= 1 ? 1 : aspect);
                var fitH = mapSide.multiply(aspect >= 1 ? 1 / aspect : 1);
                ImageView heat = new ImageView(Pictures.heatmap(change, h, w, max, MAP, MAP));
                heat.fitWidthProperty().bind(fitW);
                heat.fitHeightProperty().bind(fitH);
                heat.setId("whatif-" + before[m].interaction().id() + "-" + before[m].tasks().get(t).id());
                double outside = OutputChange.mean(change, h, w, x0, y0, x1, y1, false);
                double inside = OutputChange.mean(change, h, w, x0, y0, x1, y1, true);
                Label caption = new Label(changeText(before[m].tasks().get(t), inside, outside));
                Layouts.wrapping(caption);
                caption.maxWidthProperty().bind(mapSide);
                ImageView under = new ImageView(picture.getImage());
                under.fitWidthProperty().bind(fitW);
                under.fitHeightProperty().bind(fitH);
                maps.add(new VBox(2, caption, new StackPane(under, heat), changeScale(before[m].tasks().get(t), max)), t, m * 2 + 1);
            }
        }
    }
}
