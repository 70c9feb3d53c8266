package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.geometry.VPos;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import org.kemwb.card.ModelCard;
import org.kemwb.infer.CardOutputs;
import org.kemwb.infer.CardPrediction;

/**
 * The Attention page for a card model (any PyTorch model exported with its model card): the
 * card's attention outputs read through their token layouts. Click the image to pick the row
 * (query) token under that pixel, in the chosen row group (per-task token groups of joint
 * multi-task attention); one heatmap per column group shows that token's attention over the
 * group's tokens, drawn over the photo ({@link CardPrediction#heatmapOnPhoto}); prefix tokens
 * (class, register) are left out of the maps and their share is printed. Heads are averaged or
 * picked one by one when the model returns them. Only a click redraws; no forward pass.
 */
final class CardAttentionPane extends VBox {
    private final WorkbenchState state;
    private final DoubleBinding side;
    private final BooleanProperty active = new SimpleBooleanProperty(false);
    private final ComboBox<String> output = new ComboBox<>();
    private final ComboBox<String> rowGroup = new ComboBox<>();
    private final ComboBox<String> head = new ComboBox<>();
    private final ImageView image = new ImageView();
    private final StackPane picture = new StackPane();
    private final Rectangle marker = new Rectangle();
    /**
     * Row 0: the captions (the photo's and one per column group), top-aligned in one row as tall
     * as the tallest, each wrapping at its picture's width; row 1: the photo, the heatmaps and
     * the colour bar, so every picture starts at the same height below the status line.
     */
    private final GridPane maps = new GridPane(12, 4);
    private final Label pictureCaption = caption(new Label("The photo: the white box is the row token."));
    private final Label status = Layouts.wrapping(new Label());
    private final Label note = Layouts.wrapping(new Label());
    /** The photo pixel whose token is shown (initially the centre). */
    private int px = -1;
    private int py = -1;
    /** The heatmaps drawn, one per column group, photo-sized (tests compare them). */
    private final List<float[]> heats = new ArrayList<>();
    private boolean updating;

    CardAttentionPane(WorkbenchState state, DoubleBinding side) {
        this.state = state;
        this.side = side;
        setSpacing(8);
        setId("card-attention");
        output.setId("card-attention-output");
        rowGroup.setId("card-attention-rows");
        head.setId("card-attention-head");
        image.setId("card-attention-image");
        status.setId("card-attention-status");
        note.setId("card-attention-note");
        maps.setId("card-attention-maps");
        marker.getStyleClass().add("spot-marker");
        marker.setManaged(false);
        marker.setMouseTransparent(true);
        picture.getChildren().addAll(image, marker);
        picture.setAlignment(Pos.TOP_LEFT);
        picture.setOnMouseClicked(e -> pick(e.getX() / shownWidth(), e.getY() / shownHeight()));
        output.valueProperty().addListener((o, a, b) -> outputChanged());
        rowGroup.valueProperty().addListener((o, a, b) -> redraw());
        head.valueProperty().addListener((o, a, b) -> redraw());
        side.addListener((o, a, b) -> redraw());
        var controls = Layouts.row(new Label("Attention output"), output, new Label("Row tokens"), rowGroup, new Label("Heads"), head);
        pictureCaption.setId("card-attention-photo-caption");
        VBox body = new VBox(8, controls, status, maps);
        body.visibleProperty().bind(note.textProperty().isEmpty());
        body.managedProperty().bind(body.visibleProperty());
        getChildren().addAll(note, body);
        visibleProperty().bind(active);
        managedProperty().bind(active);
        state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, p) -> predictionChanged(p));
        predictionChanged(state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get());
    }

    /** True while the primary slot holds a card model with a prediction: the page shows this pane instead of its own parts. */
    BooleanProperty activeProperty() {
        return active;
    }

    private CardPrediction prediction() {
        return state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get();
    }

    private void predictionChanged(CardPrediction p) {
        active.set(p != null);
        if (p == null) {
            return;
        }
        if (p.attention().isEmpty()) {
            note.setText("The model card of " + p.card().name() + " lists no attention outputs: nothing to show here (its "
                    + p.tasks().size() + " task outputs are on Inspect).");
            maps.getChildren().clear();
            return;
        }
        note.setText("");
        if (px < 0 || px >= p.width() || py < 0 || py >= p.height()) {
            px = p.width() / 2;
            py = p.height() / 2;
        }
        updating = true;
        String keep = output.getValue();
        output.getItems().setAll(p.attention().stream().map(a -> a.spec().name()).toList());
        output.setValue(keep != null && output.getItems().contains(keep) ? keep : output.getItems().getFirst());
        updating = false;
        outputChanged();
    }

    /** Row groups and heads of the chosen output. */
    private void outputChanged() {
        CardPrediction p = prediction();
        CardPrediction.AttentionMap a = attention(p);
        if (a == null || updating) {
            return;
        }
        updating = true;
        String keepRows = rowGroup.getValue();
        List<String> groups = new ArrayList<>();
        List<ModelCard.TokenGroup> rows = a.spec().rows().groups();
        for (ModelCard.TokenGroup g : rows) {
            groups.add(g.label() + " tokens (" + g.height() + "x" + g.width() + ")");
        }
        rowGroup.getItems().setAll(groups);
        rowGroup.setValue(keepRows != null && groups.contains(keepRows) ? keepRows : groups.getFirst());
        String keepHead = head.getValue();
        List<String> heads = new ArrayList<>();
        if (a.perHead() == null) {
            heads.add(a.spec().headsKept() ? "1 head" : "averaged in the model");
        } else {
            heads.add("mean of " + a.heads() + " heads");
            for (int i = 0; i < a.heads(); i++) {
                heads.add("head " + i);
            }
        }
        head.getItems().setAll(heads);
        head.setValue(keepHead != null && heads.contains(keepHead) ? keepHead : heads.getFirst());
        head.setDisable(heads.size() == 1);
        updating = false;
        redraw();
    }

    private CardPrediction.AttentionMap attention(CardPrediction p) {
        if (p == null || p.attention().isEmpty()) {
            return null;
        }
        int i = Math.max(0, output.getItems().indexOf(output.getValue()));
        return i < p.attention().size() ? p.attention().get(i) : null;
    }

    /** Picks the row token under a point given as fractions of the shown image. */
    void pick(double fx, double fy) {
        CardPrediction p = prediction();
        if (p == null) {
            return;
        }
        px = Math.clamp((int) (fx * p.width()), 0, p.width() - 1);
        py = Math.clamp((int) (fy * p.height()), 0, p.height() - 1);
        redraw();
    }

    /** The photo pixel whose row token is shown {x, y}. */
    int[] picked() {
        return new int[] {px, py};
    }

    /** The photo-sized heatmap of column group {@code g} as drawn (tests). */
    float[] heat(int g) {
        return heats.get(g);
    }

    /** The head shown: -1 for the mean, else its index. */
    int headShown() {
        int i = head.getItems().indexOf(head.getValue());
        return i <= 0 ? -1 : i - 1;
    }

    private double aspect() {
        CardPrediction p = prediction();
        return p == null ? 1 : (double) p.width() / p.height();
    }

    private double shownWidth() {
        return aspect() >= 1 ? side.get() : Math.floor(side.get() * aspect());
    }

    private double shownHeight() {
        return aspect() >= 1 ? Math.floor(side.get() / aspect()) : side.get();
    }

    private void redraw() {
        CardPrediction p = prediction();
        CardPrediction.AttentionMap a = attention(p);
        BufferedImage photo = state.imageProperty().get();
        if (updating || a == null || photo == null || photo.getWidth() != p.width() || photo.getHeight() != p.height()) {
            return;
        }
        heats.clear();
        maps.getChildren().clear();
        pictureCaption.setPrefWidth(shownWidth());
        maps.add(pictureCaption, 0, 0);
        maps.add(picture, 0, 1);
        GridPane.setValignment(picture, VPos.TOP);
        image.setImage(Pictures.of(photo));
        image.setFitWidth(shownWidth());
        image.setFitHeight(shownHeight());
        picture.setMaxSize(shownWidth(), shownHeight());
        int g = Math.max(0, rowGroup.getItems().indexOf(rowGroup.getValue()));
        int h = headShown();
        ModelCard.TokenGroup rows = a.spec().rows().groups().get(g);
        int row = p.rowAt(a, g, px, py);
        int[] cell = p.cellAt(px, py, rows);
        // the picked token's cell on the photo
        var lb = p.letterbox();
        double sx = shownWidth() / p.width();
        double sy = shownHeight() / p.height();
        double[] box = p.cellBox(rows, cell[0], cell[1]);
        double x0 = lb.toImageX(box[0]);
        double x1 = lb.toImageX(box[2]);
        double y0 = lb.toImageY(box[1]);
        double y1 = lb.toImageY(box[3]);
        marker.setX(Math.max(0, x0) * sx);
        marker.setY(Math.max(0, y0) * sy);
        marker.setWidth((Math.min(p.width(), x1) - Math.max(0, x0)) * sx);
        marker.setHeight((Math.min(p.height(), y1) - Math.max(0, y0)) * sy);
        List<ModelCard.TokenGroup> cols = a.spec().columns().groups();
        List<float[]> grids = new ArrayList<>();
        float top = 0; // one colour scale for all groups: 0 to the largest weight of any of them
        for (int c = 0; c < cols.size(); c++) {
            float[] weights = a.grid(row, c, h);
            grids.add(weights);
            for (float v : weights) {
                top = Math.max(top, v);
            }
        }
        for (int c = 0; c < cols.size(); c++) {
            ModelCard.TokenGroup col = cols.get(c);
            float[] weights = grids.get(c);
            double mass = 0;
            float max = 0;
            for (float v : weights) {
                mass += v;
                max = Math.max(max, v);
            }
            float[] heat = p.heatmapOnPhoto(weights, col);
            heats.add(heat);
            ImageView view = new ImageView(Pictures.of(CardOutputs.overlay(photo, heat, 0, top)));
            view.setId("card-heat-" + c);
            view.setFitWidth(shownWidth());
            view.setFitHeight(shownHeight());
            Label title = caption(new Label(String.format(Locale.ROOT, "on %s tokens (%dx%d): %.1f %% of the weight, max %.2f %% per token",
                    col.label(), col.height(), col.width(), 100 * mass, 100 * max)));
            title.setId("card-heat-title-" + c);
            title.setPrefWidth(shownWidth());
            maps.add(title, c + 1, 0);
            maps.add(view, c + 1, 1);
            GridPane.setValignment(view, VPos.TOP);
        }
        VBox scale = AttentionView.colourScale(top, javafx.beans.binding.Bindings.createDoubleBinding(() -> Math.max(24, shownHeight() - 34), side));
        scale.setId("card-attention-scale");
        scale.getChildren().get(1).setId("card-attention-scale-max");
        maps.add(scale, cols.size() + 1, 1);
        GridPane.setValignment(scale, VPos.TOP);
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "Row token at row %d, column %d of the %s tokens, under pixel x %d, y %d", cell[0], cell[1], rows.label(), px, py));
        if (a.perHead() != null) {
            parts.add(h < 0 ? "heads averaged" : "head " + h);
        }
        if (a.spec().columns().prefix() > 0) {
            parts.add(String.format(Locale.ROOT, "its %d prefix tokens (class, register) take %.1f %% (not drawn)", a.spec().columns().prefix(),
                    100 * a.prefixMass(row, h)));
        }
        status.setText(String.join("; ", parts) + ". Click the image to pick another token.");
    }

    /** A caption above a picture: wraps at its width (set by the caller), never shortened, top-aligned in its grid cell. */
    private static Label caption(Label l) {
        Layouts.wrapping(l);
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.setMaxWidth(Region.USE_PREF_SIZE);
        GridPane.setValignment(l, VPos.TOP);
        return l;
    }

    /** The colour scale's top: the largest weight of the picked token over all column groups (tests). */
    float scaleMax() {
        float top = 0;
        for (float[] h : heats) {
            for (float v : h) {
                top = Math.max(top, v);
            }
        }
        return top;
    }
}
