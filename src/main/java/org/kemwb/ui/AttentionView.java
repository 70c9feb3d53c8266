package org.kemwb.ui;

import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import org.kemwb.infer.Prediction;

/**
 * Where did a token's update come from? Move over (or click, to pin) a spot of the image: for
 * the chosen target task, one heatmap per source task shows the attention of that token on the
 * source task's tokens, for the primary model and the comparison model side by side (e.g. KEM
 * vs cross-attention), averaged over heads or of one chosen head (heads often specialise on
 * one task, which the average hides). Below: the memory slots the token's write-back reads
 * ({@link MemoryView}) and slot read-outs over a set of images ({@link SlotReadoutsView}).
 * Uses the attention computed with the prediction: no forward pass per move.
 */
public final class AttentionView extends VBox {
    /** Pixels of the heatmap images; they are drawn scaled to the panel size. */
    static final int HEAT = 200;
    private final WorkbenchState state;
    private final ComboBox<String> target = new ComboBox<>();
    /** Item 0: the mean over heads; item h + 1: head h. */
    private final ComboBox<String> head = new ComboBox<>();
    private final ImageView imageView = new ImageView();
    private StackPane picture;
    private final Rectangle marker = new Rectangle();
    private final GridPane maps = new GridPane();
    private final Label status = new Label("Move over the image; click to pin a spot.");
    /** Why the comparison model's row is not shown (hidden when it is, or while it is being computed). */
    private final Label comparisonNote = Layouts.wrapping(new Label());
    /** Panels in the heatmap row: the image plus one heatmap per task of the open model. */
    private final javafx.beans.property.IntegerProperty columns = new javafx.beans.property.SimpleIntegerProperty(4);
    private final MemoryView memory = new MemoryView();
    private final SlotReadoutsView readouts;
    /** The rows drawn last, by model id ("kem", "ca"): [source task][token] (tests). */
    private final java.util.Map<String, float[][]> shownRows = new java.util.HashMap<>();
    private final WhatIfView whatIf;
    private int gx = -1;
    private int gy = -1;
    private boolean pinned;
    private final javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane();
    /** Side of the image and of each heatmap: the image, K heatmaps and the colour bar share the page's width. */
    private final javafx.beans.binding.DoubleBinding side;

    public AttentionView(WorkbenchState state) {
        this.state = state;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        target.setId("attention-target");
        target.valueProperty().addListener((o, a, b) -> redraw());
        head.setId("attention-head");
        status.setId("attention-token");
        head.setTooltip(new javafx.scene.control.Tooltip("Show the attention of one head, or the mean over heads"));
        head.valueProperty().addListener((o, a, b) -> redraw());
        // a fixed width: choosing a longer item never shifts the token label beside it
        head.setPrefWidth(170);
        head.setMinWidth(170);
        head.setMaxWidth(170);
        // the image and one heatmap per task, plus the colour bar and the gaps (extra)
        side = Layouts.panelSide(scroll, columns, 12, 110, 96, 420);
        comparisonNote.setId("attention-comparison-note");
        comparisonNote.getStyleClass().add("caption");
        comparisonNote.managedProperty().bind(comparisonNote.visibleProperty());
        comparisonNote.setVisible(false);
        imageView.setId("attention-image");
        marker.getStyleClass().add("spot-marker");
        marker.setManaged(false);
        marker.setVisible(false);
        StackPane picture = new StackPane(imageView, marker);
        picture.setAlignment(Pos.TOP_LEFT);
        this.picture = picture;
        picture.setOnMouseMoved(e -> {
            if (!pinned) {
                select(e.getX() / shownWidth(), e.getY() / shownHeight());
            }
        });
        picture.setOnMouseClicked(e -> {
            pinned = true;
            select(e.getX() / shownWidth(), e.getY() / shownHeight());
        });
        side.addListener((o, a, b) -> {
            fitPicture();
            redraw();
        });
        imageView.imageProperty().addListener((o, a, b) -> fitPicture());
        maps.setHgap(8);
        maps.getStyleClass().add("attention-maps");
        maps.setVgap(6);
        maps.setId("attention-maps");
        var top = Layouts.row(new Label("Target task"), target, new Label("Heads"), head, status);
        HBox body = new HBox(16, picture, maps);
        whatIf = new WhatIfView(state);
        whatIf.bindSizes(Layouts.viewportWidth(scroll)); // never the bounds themselves: see Layouts.viewportWidth
        javafx.scene.control.TitledPane probing = new javafx.scene.control.TitledPane("What-if probing: corrupt a region, see where outputs change", whatIf);
        readouts = new SlotReadoutsView(state);
        // a card model (any PyTorch model with a model card) shows its own attention outputs instead
        CardAttentionPane cards = new CardAttentionPane(state, side);
        for (javafx.scene.Node own : new javafx.scene.Node[] {top, body, probing, memory, readouts}) {
            own.visibleProperty().bind(cards.activeProperty().not());
            own.managedProperty().bind(own.visibleProperty());
        }
        VBox attention = new VBox(6, body, comparisonNote);
        attention.visibleProperty().bind(cards.activeProperty().not());
        attention.managedProperty().bind(attention.visibleProperty());
        scroll.setContent(new VBox(10, cards, attention, probing, memory, readouts));
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, javafx.scene.layout.Priority.ALWAYS);
        getChildren().addAll(top, scroll);
        state.imageProperty().addListener((o, a, img) -> imageView.setImage(img == null ? null : Pictures.of(img)));
        state.predictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, p) -> tasksChanged(p));
        state.predictionProperty(WorkbenchState.Slot.COMPARISON).addListener((o, a, p) -> redraw());
        state.modelPathProperty(WorkbenchState.Slot.COMPARISON).addListener((o, a, p) -> redraw());
        // the page is built on first use: show what is already open
        if (state.imageProperty().get() != null) {
            imageView.setImage(Pictures.of(state.imageProperty().get()));
        }
        tasksChanged(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get());
    }

    /** Width of the shown image: the panel side for landscape images, less for portrait ones (true aspect). */
    private double shownWidth() {
        Image im = imageView.getImage();
        double aspect = im == null || im.getHeight() == 0 ? 1 : im.getWidth() / im.getHeight();
        return aspect >= 1 ? side.get() : side.get() * aspect;
    }

    private double shownHeight() {
        Image im = imageView.getImage();
        double aspect = im == null || im.getHeight() == 0 ? 1 : im.getWidth() / im.getHeight();
        return aspect >= 1 ? side.get() / aspect : side.get();
    }

    private void fitPicture() {
        imageView.setFitWidth(shownWidth());
        imageView.setFitHeight(shownHeight());
        picture.setMaxSize(shownWidth(), shownHeight());
    }

    private void tasksChanged(Prediction p) {
        memory.show(p, imageView.getImage());
        if (p == null) {
            return;
        }
        columns.set(p.tasks().size() + 1);
        String keep = target.getValue();
        target.getItems().setAll(p.tasks().stream().map(t -> t.id()).toList());
        target.setValue(keep != null && target.getItems().contains(keep) ? keep : target.getItems().getFirst());
        int keepHead = head();
        List<String> heads = new java.util.ArrayList<>();
        heads.add("mean of " + p.config().heads() + " heads");
        for (int h = 0; h < p.headCount(); h++) {
            heads.add("head " + h);
        }
        if (!heads.equals(head.getItems())) {
            head.getItems().setAll(heads);
        }
        head.getSelectionModel().select(keepHead + 1 < heads.size() ? keepHead + 1 : 0);
        head.setDisable(heads.size() == 1);
        if (gx < 0) {
            int centre = p.tokenAt(p.width() / 2, p.height() / 2);
            gx = centre % p.gridWidth();
            gy = centre / p.gridWidth();
        }
        redraw();
    }

    WhatIfView whatIf() {
        return whatIf;
    }

    MemoryView memory() {
        return memory;
    }

    SlotReadoutsView readouts() {
        return readouts;
    }

    /** Scrolls the page to the memory slots ({@code true}) or back to the top (screenshots). */
    void scrollToMemory(boolean memorySlots) {
        scroll.layout();
        double content = scroll.getContent().getLayoutBounds().getHeight();
        double viewport = scroll.getViewportBounds().getHeight();
        double y = memory.getBoundsInParent().getMinY() + memory.slotsTitle().getBoundsInParent().getMinY();
        scroll.setVvalue(!memorySlots || content <= viewport ? 0 : Math.min(1, y / (content - viewport)));
    }

    /** The head shown: -1 for the mean over heads. */
    int head() {
        return Math.max(0, head.getSelectionModel().getSelectedIndex()) - 1;
    }

    /** Shows one head ({@code h < 0}: the mean over heads). */
    void selectHead(int h) {
        head.getSelectionModel().select(h + 1);
    }

    /** The selected token: {target task index, gx, gy}. */
    int[] selectedToken() {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        return new int[] {p == null ? -1 : p.tasks().stream().map(t -> t.id()).toList().indexOf(target.getValue()), gx, gy};
    }

    /** The attention rows drawn last for a model ("kem", "ca"): [source task][token of the gh x gw grid]; null if none. */
    float[][] shownRows(String model) {
        return shownRows.get(model);
    }

    /** Selects the token under a point given as fractions of the image. */
    void select(double fx, double fy) {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null) {
            return;
        }
        // the token whose patch holds the image pixel under the point
        int cell = p.tokenAt(Math.min(p.width() - 1, Math.max(0, (int) (fx * p.width()))),
                Math.min(p.height() - 1, Math.max(0, (int) (fy * p.height()))));
        int nx = cell % p.gridWidth();
        int ny = cell / p.gridWidth();
        if (nx != gx || ny != gy) {
            gx = nx;
            gy = ny;
            redraw();
        }
    }

    /**
     * The colour bar of one model's row: the heatmaps are scaled to the row's largest weight, so
     * the top reads that weight (as % of the token's attention) and the bottom 0 %.
     */
    private VBox rowScale(String model, float max) {
        VBox box = colourScale(max, side.subtract(34));
        box.getChildren().get(1).setId("scale-max-" + model);
        return box;
    }

    /**
     * A vertical Turbo colour bar reading 0 % at the bottom and {@code max} (a share of a
     * token's attention) at the top, "per token" above it; the bar is {@code barHeight} tall.
     * The native rows and the card model's Attention page both use it.
     */
    static VBox colourScale(float max, javafx.beans.value.ObservableNumberValue barHeight) {
        Label top = Layouts.keepWidth(new Label(String.format(Locale.ROOT, "%.1f %%", 100 * max)));
        Label bottom = Layouts.keepWidth(new Label("0 %"));
        ImageView bar = new ImageView(Pictures.colourBar(14, HEAT));
        bar.setPreserveRatio(false);
        bar.setFitWidth(14);
        bar.fitHeightProperty().bind(barHeight);
        Label unit = Layouts.keepWidth(new Label("per token"));
        unit.getStyleClass().add("caption");
        VBox box = new VBox(2, unit, top, bar, bottom);
        box.setAlignment(Pos.TOP_CENTER);
        return box;
    }

    /** The note shown under the heatmaps: why the comparison row is missing; null when it is shown (tests). */
    String comparisonNote() {
        return comparisonNote.isVisible() ? comparisonNote.getText() : null;
    }

    /**
     * Why the comparison model's attention cannot be drawn beside the primary's {@code p}, in one
     * line; null when it can, or while its prediction is still being computed.
     */
    private String whyNoComparison(Prediction p, Prediction q) {
        String primary = p.interaction().id().toUpperCase(Locale.ROOT);
        if (state.modelPathProperty(WorkbenchState.Slot.COMPARISON).get() == null) {
            return "No comparison model is open: only the " + primary + " row is shown (open one as the comparison model to see its attention beside it).";
        }
        if (!state.hasNativeModel(WorkbenchState.Slot.COMPARISON)) {
            return "The comparison model is a card (TorchScript) model: its attention is not shown here.";
        }
        if (q == null) {
            return null; // being computed
        }
        String name = q.interaction().id().toUpperCase(Locale.ROOT);
        if (q.tokenAttention() == null) {
            return name + " comparison row not shown: that model has no token attention between tasks.";
        }
        if (!q.config().tasks().equals(p.config().tasks())) {
            return name + " comparison row not shown: it predicts " + taskList(q) + ", this model " + taskList(p) + ".";
        }
        if (q.gridHeight() != p.gridHeight() || q.gridWidth() != p.gridWidth()) {
            return name + " comparison row not shown: its token grid is " + q.gridHeight() + " x " + q.gridWidth()
                    + " (rows x columns), this model's " + p.gridHeight() + " x " + p.gridWidth() + ".";
        }
        if (!q.letterbox().equals(p.letterbox())) {
            return name + " comparison row not shown: it fits the image to its input differently (other input size), so its tokens cover other pixels.";
        }
        return null;
    }

    private static String taskList(Prediction p) {
        return String.join(", ", p.tasks().stream().map(t -> t.id()).toList());
    }

    private void redraw() {
        maps.getChildren().clear();
        shownRows.clear();
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        String why = p == null ? null : whyNoComparison(p, state.predictionProperty(WorkbenchState.Slot.COMPARISON).get());
        comparisonNote.setText(why == null ? "" : why);
        comparisonNote.setVisible(why != null);
        if (p == null || target.getValue() == null || gx < 0) {
            return;
        }
        if (gx >= p.gridWidth() || gy >= p.gridHeight()) {
            int centre = p.tokenAt(p.width() / 2, p.height() / 2);
            gx = centre % p.gridWidth();
            gy = centre / p.gridWidth();
        }
        double[] box = p.tokenBox(gy * p.gridWidth() + gx); // image pixels
        if (box != null) {
            double sx = shownWidth() / p.width();
            double sy = shownHeight() / p.height();
            marker.setX(box[0] * sx);
            marker.setY(box[1] * sy);
            marker.setWidth((box[2] - box[0]) * sx);
            marker.setHeight((box[3] - box[1]) * sy);
        }
        marker.setVisible(box != null);
        int t = p.tasks().stream().map(x -> x.id()).toList().indexOf(target.getValue());
        Image base = imageView.getImage();
        Prediction[] models = {p, state.predictionProperty(WorkbenchState.Slot.COMPARISON).get()};
        for (int m = 0; m < models.length; m++) {
            Prediction q = models[m];
            if (q == null || q.tokenAttention() == null || !q.config().tasks().equals(p.config().tasks())
                    || q.gridHeight() != p.gridHeight() || q.gridWidth() != p.gridWidth()
                    || !q.letterbox().equals(p.letterbox())) {
                continue;
            }
            // a model without that head (fewer heads, no per-head maps) shows its head mean, and says so
            int h = head() < q.headCount() ? head() : -1;
            Label rowTitle = new Label(q.interaction().id().toUpperCase(Locale.ROOT) + ": "
                    + (h >= 0 ? "head " + h + " of " + q.config().heads()
                    : "mean of " + q.config().heads() + " heads" + (head() >= 0 ? " (no head " + head() + " to show)" : "")));
            rowTitle.getStyleClass().add("panel-title");
            rowTitle.setId("attention-row-title-" + q.interaction().id());
            Layouts.keepWidth(rowTitle);
            maps.add(rowTitle, 0, m * 2, q.tasks().size() + 1, 1);
            float max = 0;
            float[][] rows = new float[q.tasks().size()][];
            shownRows.put(q.interaction().id(), rows);
            for (int s = 0; s < rows.length; s++) {
                rows[s] = q.attentionRow(t, s, gx, gy, h);
                for (float v : rows[s]) {
                    max = Math.max(max, v);
                }
            }
            for (int s = 0; s < rows.length; s++) {
                double mass = 0;
                for (float v : rows[s]) {
                    mass += v;
                }
                ImageView under = new ImageView(base);
                under.setFitWidth(shownWidth());
                under.setFitHeight(shownHeight());
                ImageView heat = new ImageView(Pictures.tokenHeatmap(rows[s], q, max, (int) Math.round(shownWidth()),
                        (int) Math.round(shownHeight())));
                heat.setId("heat-" + q.interaction().id() + "-" + q.tasks().get(s).id());
                Label caption = new Label(String.format(Locale.ROOT, "from %s: %.1f %%", q.tasks().get(s).id(), mass * 100));
                caption.setId("from-" + q.interaction().id() + "-" + q.tasks().get(s).id());
                // wraps at the heatmap's width ("from normals:" / "14.8 %") instead of widening the row
                caption.setWrapText(true);
                caption.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
                caption.setMaxWidth(Math.max(40, shownWidth() - 14));
                HBox title = new HBox(4, TaskColours.swatch(s), caption);
                title.setAlignment(Pos.TOP_LEFT);
                title.setMaxWidth(shownWidth());
                VBox cell = new VBox(2, title, new StackPane(under, heat));
                // a caption that wraps ("from normals:" / "79.0 %") must not push its heatmap below the others
                cell.setAlignment(Pos.BOTTOM_LEFT);
                maps.add(cell, s, m * 2 + 1);
            }
            maps.add(rowScale(q.interaction().id(), max), rows.length, m * 2 + 1);
        }
        memory.select(t, gx, gy, head());
        status.setText(String.format(Locale.ROOT, "token at row %d, column %d of %s%s", gy, gx, target.getValue(),
                pinned ? " (pinned; click elsewhere to move)" : ""));
    }
}
