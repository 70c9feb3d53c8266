package org.kemwb.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.kemwb.infer.Prediction;

/**
 * KEM's memory: every slot with markers on the tokens it read (colour = the task the token
 * belongs to) in the chosen head (or all heads), the slots the selected token's write-back
 * reads most highlighted with their write weights, and a bar chart of how much attention each
 * task takes from each task.
 */
final class MemoryView extends VBox {
    static final int THUMB = 96;
    /** How many of the token's most-read slots are highlighted. */
    static final int TOP_SLOTS = 3;
    private final FlowPane slots = new FlowPane(6, 6);
    private final Label diagnostics = new Label();
    private final Label tokenSlots = new Label();
    private final HBox legendBox = new HBox();
    private final BarChart<String, Number> mass = new BarChart<>(new CategoryAxis(), new NumberAxis(0, 1, 0.2));
    private final List<VBox> slotBoxes = new ArrayList<>();
    private final List<Label> slotCaptions = new ArrayList<>();
    private final Label slotsTitle;
    private Prediction shown;
    private Image image;
    /** Head whose reads the slot thumbnails show (-1: all heads); MIN_VALUE: not built yet. */
    private int slotsHead = Integer.MIN_VALUE;
    private int[] highlighted = new int[0];
    private float[] weights;

    MemoryView() {
        setSpacing(6);
        setPadding(new Insets(6, 0, 0, 0));
        mass.setTitle("Attention mass each task (axis) takes from each task, mean over heads");
        mass.setLegendVisible(false); // the task colour legend below says which colour is which task
        mass.setPrefWidth(660); // wide enough for the whole title (a 1024 px window has about 980 px)
        mass.setPrefHeight(230);
        mass.setAnimated(false);
        mass.setId("task-mass-chart");
        slots.setId("memory-slots");
        diagnostics.setId("slot-diagnostics");
        tokenSlots.setId("token-slots");
        Layouts.wrapping(diagnostics);
        Layouts.wrapping(tokenSlots);
        slotsTitle = Layouts.wrapping(new Label("Memory slots and the tokens each one read: k per head (marker colour = task)"));
        Label barColours = Layouts.wrapping(new Label("Bar colour: the task the mass comes from (task colours below)."));
        barColours.getStyleClass().add("caption");
        getChildren().addAll(new HBox(16, mass), barColours, legendBox, slotsTitle, diagnostics, tokenSlots, slots);
    }

    /** How many distinct tokens (task, position) at least one slot read (retrieve weight > 0) in head {@code head} (-1: any head). */
    static int distinctTokens(Prediction p, int head) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int n = 0; n < p.config().slots(); n++) {
            for (int[] r : p.slotReads(n, head)) {
                seen.add(((long) r[0] << 32) | ((long) r[2] * p.gridWidth() + r[1]));
            }
        }
        return seen.size();
    }

    /** A new prediction (or none): chart, legend and this image's counts; slots are drawn by {@link #select}. */
    void show(Prediction p, Image image) {
        this.shown = p;
        this.image = image;
        slotsHead = Integer.MIN_VALUE;
        highlighted = new int[0];
        weights = null;
        mass.getData().clear();
        slots.getChildren().clear();
        slotBoxes.clear();
        slotCaptions.clear();
        diagnostics.setText("");
        tokenSlots.setText("");
        legendBox.getChildren().clear();
        if (p == null || p.taskMass() == null) {
            return;
        }
        int k = p.tasks().size();
        legendBox.getChildren().setAll(TaskColours.legend(p.tasks()));
        for (int s = 0; s < k; s++) {
            XYChart.Series<String, Number> series = new XYChart.Series<>();
            series.setName("from " + p.tasks().get(s).id());
            String fill = String.format(Locale.ROOT, "-fx-bar-fill: #%06x;", TaskColours.rgb(s));
            for (int t = 0; t < k; t++) {
                XYChart.Data<String, Number> bar = new XYChart.Data<>(p.tasks().get(t).id(), p.taskMass()[t * k + s]);
                // the task colour scheme, not the chart's default colours
                bar.nodeProperty().addListener((o, a, node) -> {
                    if (node != null) {
                        node.setStyle(fill);
                    }
                });
                series.getData().add(bar);
            }
            mass.getData().add(series);
        }
        if (p.retrieve() == null) {
            slots.getChildren().add(new Label(p.interaction().id() + " has no memory slots"));
            return;
        }
        int tokens = p.retrieve().length / p.config().slots() / p.config().taskCount();
        StringBuilder perHead = new StringBuilder();
        for (int h = 0; h < p.headCount(); h++) {
            perHead.append(h == 0 ? " Per head: " : ", ").append("head ").append(h).append(' ').append(distinctTokens(p, h));
        }
        diagnostics.setText(String.format(Locale.ROOT, "On this image the %d slots read %d distinct tokens of the %d (%d tasks x %d); "
                + "each slot reads top-k = %d per head.%s", p.config().slots(), distinctTokens(p, -1), p.config().taskCount() * tokens,
                p.config().taskCount(), tokens, p.config().topK(), perHead.length() == 0 ? "" : perHead + "."));
    }

    /**
     * The token of task {@code target} at grid cell (gx, gy) is selected, and head {@code head}
     * (-1: the head mean): slot thumbnails show that head's reads, captions the token's write
     * weight on each slot, and the {@link #TOP_SLOTS} largest are highlighted.
     */
    void select(int target, int gx, int gy, int head) {
        Prediction p = shown;
        if (p == null || p.retrieve() == null) {
            return;
        }
        int h = head < p.headCount() ? head : -1;
        if (h != slotsHead) {
            buildSlots(p, h);
        }
        weights = p.writeWeights(target, gx, gy, h);
        if (weights == null) {
            highlighted = new int[0];
            tokenSlots.setText("This model keeps no write weights: the slots the token writes from are not known.");
            return;
        }
        highlighted = Prediction.topSlots(weights, Math.min(TOP_SLOTS, weights.length));
        for (int n = 0; n < slotBoxes.size(); n++) {
            slotCaptions.get(n).setText(String.format(Locale.ROOT, "slot %d: %.1f %%", n, 100 * weights[n]));
            slotBoxes.get(n).getStyleClass().remove("slot-highlight");
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < highlighted.length; i++) {
            int n = highlighted[i];
            slotBoxes.get(n).getStyleClass().add("slot-highlight");
            list.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "slot %d (%.1f %%)", n, 100 * weights[n]));
        }
        tokenSlots.setText(String.format(Locale.ROOT, "Token at row %d, column %d of %s: its write-back reads %s most (write weights of %s; "
                + "uniform over %d slots: %.1f %%); framed below, each with the tokens it read.", gy, gx, p.tasks().get(target).id(),
                list, h < 0 ? "the mean of " + p.config().heads() + " heads" : "head " + h, weights.length, 100.0 / weights.length));
    }

    /** The title above the slot thumbnails (where the page scrolls to show the slots). */
    javafx.scene.Node slotsTitle() {
        return slotsTitle;
    }

    /** The highlighted slots, most-read first (tests). */
    int[] highlightedSlots() {
        return highlighted.clone();
    }

    /** Write weights of the selected token on the N slots, as last shown (tests); null without slots. */
    float[] shownWeights() {
        return weights == null ? null : weights.clone();
    }

    private void buildSlots(Prediction p, int head) {
        slotsHead = head;
        slots.getChildren().clear();
        slotBoxes.clear();
        slotCaptions.clear();
        double sx = (double) THUMB / p.width();
        double sy = (double) THUMB / p.height();
        for (int n = 0; n < p.config().slots(); n++) {
            ImageView under = new ImageView(image);
            under.setFitWidth(THUMB);
            under.setFitHeight(THUMB);
            Pane markers = new Pane();
            markers.setPrefSize(THUMB, THUMB);
            StringBuilder tip = new StringBuilder();
            for (int[] r : p.slotReads(n, head)) {
                int rgb = TaskColours.rgb(r[0]);
                double[] box = p.tokenBox(r[2] * p.gridWidth() + r[1]); // image pixels; null = padding
                if (box == null) {
                    continue;
                }
                Rectangle m = new Rectangle(box[0] * sx, box[1] * sy, (box[2] - box[0]) * sx, (box[3] - box[1]) * sy);
                m.setFill(Color.TRANSPARENT);
                m.setStroke(Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff));
                m.setStrokeWidth(2.5);
                markers.getChildren().add(m);
                tip.append(String.format(Locale.ROOT, "%s row %d, column %d: %.0f%%  ", p.tasks().get(r[0]).id(), r[2], r[1], r[3] / 10.0));
            }
            StackPane thumb = new StackPane(under, markers);
            Label caption = new Label("slot " + n);
            caption.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            javafx.scene.control.Tooltip.install(thumb, new javafx.scene.control.Tooltip(
                    (head < 0 ? "all heads: " : "head " + head + ": ") + tip.toString().trim()));
            VBox box = new VBox(2, caption, thumb);
            box.getStyleClass().add("slot-thumb");
            box.setId("slot-" + n);
            slotBoxes.add(box);
            slotCaptions.add(caption);
            slots.getChildren().add(box);
        }
    }
}
