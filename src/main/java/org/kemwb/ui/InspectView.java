package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import org.kemwb.data.Sample;
import org.kemwb.infer.ErrorMaps;
import org.kemwb.infer.OutputImages;
import org.kemwb.infer.Prediction;
import org.kemwb.model.Task;

/**
 * Every task's output over the input image. The first row shows the image and what the model
 * actually sees (the input at the model's size); then, for images inside a dataset folder, one
 * row per task: output | ground truth | error map (absolute depth error in metres, angular
 * error of the normals in degrees, wrong pixels for class maps), each with its legend or scale.
 * Without ground truth the task outputs fill the grid three to a row. Panels take their size
 * from the window and keep the image's aspect. Hovering any panel puts a crosshair on the same
 * image point in every panel and shows the pixel's coordinates and RGB and each panel's value.
 */
public final class InspectView extends VBox {
    static final double MIN_PANEL = 150;
    static final double MAX_PANEL = 720;
    static final int COLUMNS = 3;
    private final WorkbenchState state;
    private final GridPane grid = new GridPane();
    private final ScrollPane scroll = new ScrollPane(grid);
    private final DoubleBinding side;
    private final Slider opacity = new Slider(0, 1, 1);
    private final Label caption = Layouts.wrapping(new Label("Open an image (Ctrl+O) and a checkpoint (Ctrl+Shift+O), or drop them here."));
    private final Label warning = Layouts.wrapping(new Label());
    private final DoubleProperty hoverX = new SimpleDoubleProperty(-1);
    private final DoubleProperty hoverY = new SimpleDoubleProperty(-1);
    private final List<Runnable> readouts = new ArrayList<>();
    private final ListView<Path> strip;

    public InspectView(WorkbenchState state) {
        this.state = state;
        getStyleClass().add("page");
        setSpacing(8);
        setPadding(new Insets(12));
        opacity.setPrefWidth(160);
        opacity.setId("opacity");
        Button export = new Button("Export outputs…");
        export.setId("inspect-export");
        export.setTooltip(new javafx.scene.control.Tooltip("Raw outputs (.npy) and colour maps (.png) named after the image"));
        export.setOnAction(e -> export());
        Button figure = new Button("Export figure…");
        figure.setId("inspect-figure");
        figure.setTooltip(new javafx.scene.control.Tooltip("Image and every task with legends and scales, as PNG or SVG"));
        figure.setOnAction(e -> exportFigure());
        caption.setId("inspect-caption");
        warning.setId("inspect-warning");
        warning.getStyleClass().add("validation");
        warning.managedProperty().bind(warning.textProperty().isNotEmpty());
        warning.visibleProperty().bind(warning.managedProperty());
        grid.setId("task-grid");
        grid.setHgap(12);
        grid.setVgap(12);
        strip = new ListView<>(state.openedImages());
        strip.setOrientation(javafx.geometry.Orientation.HORIZONTAL);
        strip.setPrefHeight(44);
        strip.setMinHeight(44);
        strip.setId("image-strip");
        strip.setCellFactory(v -> new ListCell<>() {
            {
                // a click always shows the clicked image, even when the strip had it selected already
                setOnMouseClicked(e -> {
                    Path item = getItem();
                    if (item != null && !item.equals(state.imagePathProperty().get())) {
                        state.openImage(item);
                    }
                });
            }

            @Override
            protected void updateItem(Path item, boolean empty) {
                super.updateItem(item, empty);
                setMnemonicParsing(false);
                setText(empty || item == null ? null : item.getFileName().toString());
            }
        });
        // the strip highlights the image shown, whoever opened it
        state.imagePathProperty().addListener((o, a, b) -> highlightShown());
        state.openedImages().addListener((javafx.collections.ListChangeListener<Path>) c -> highlightShown());
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        side = Layouts.panelSide(scroll, COLUMNS, grid.getHgap(), COLUMNS * 14, MIN_PANEL, MAX_PANEL);
        side.addListener((o, a, b) -> javafx.application.Platform.runLater(scroll::requestLayout)); // see show()
        getChildren().addAll(Layouts.row(new Label("Output opacity"), opacity, figure, export, EvalView.openButton(state)), caption, warning, strip, scroll);
        state.predictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, p) -> show(p));
        state.imageProperty().addListener((o, a, b) -> show(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get()));
        state.groundTruthProperty().addListener((o, a, b) -> show(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get()));
        state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, b) -> show(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get()));
        hoverX.addListener((o, a, b) -> readouts.forEach(Runnable::run));
        hoverY.addListener((o, a, b) -> readouts.forEach(Runnable::run));
        show(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get());
        highlightShown();
    }

    private void highlightShown() {
        Path shown = state.imagePathProperty().get();
        int i = shown == null ? -1 : strip.getItems().indexOf(shown);
        if (i >= 0) {
            strip.getSelectionModel().clearAndSelect(i);
            strip.scrollTo(i);
        } else {
            strip.getSelectionModel().clearSelection();
        }
    }

    /** The image strip (tests). */
    ListView<Path> strip() {
        return strip;
    }

    private void show(Prediction p) {
        // the panels' sizes follow the viewport, which the scroll pane learns only inside its layout pass: the
        // pass then decides on a horizontal scroll bar from the grid's old width and no later pulse redoes it
        // (the right column stayed cut at 1024x768 until a mouse move asked for layout). One more pass, after.
        javafx.application.Platform.runLater(scroll::requestLayout);
        grid.getChildren().clear();
        readouts.clear();
        warning.setText("");
        BufferedImage img = state.imageProperty().get();
        if (img == null) {
            return;
        }
        double aspect = (double) img.getWidth() / img.getHeight();
        DoubleBinding w = Bindings.createDoubleBinding(() -> aspect >= 1 ? side.get() : Math.floor(side.get() * aspect), side);
        DoubleBinding h = Bindings.createDoubleBinding(() -> aspect >= 1 ? Math.floor(side.get() / aspect) : side.get(), side);
        Image input = Pictures.of(img);
        Path imagePath = state.imagePathProperty().get();
        String imageName = imagePath == null ? "image" : imagePath.getFileName().toString();
        Label pixel = new Label(" ");
        pixel.setId("inspect-pixel");
        VBox imagePanel = panel("inspect-image", "image: " + imageName + " (" + img.getWidth() + "x" + img.getHeight() + ")", input, null, false,
                null, w, h, pixel, null);
        readouts.add(() -> pixel.setText(pixelText(img)));
        grid.add(imagePanel, 0, 0);
        org.kemwb.infer.CardPrediction card = state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null && card != null) {
            showCard(card, imageName, img, input, w, h);
            return;
        }
        if (p == null) {
            Path model = state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get();
            caption.setText("Shown: " + imageName + (model == null ? "; no model open (Ctrl+Shift+O opens a checkpoint)."
                    : "; running " + model.getFileName() + " on it…"));
            return;
        }
        int pw = p.width();
        int ph = p.height();
        int mw = p.letterbox().modelWidth();
        int mh = p.letterbox().modelHeight();
        String trainedOn = state.trainedOnProperty(WorkbenchState.Slot.PRIMARY).get();
        String mismatch = imagePath == null ? null
                : org.kemwb.infer.TrainingData.mismatch(trainedOn, org.kemwb.infer.TrainingData.sourceOfImage(imagePath));
        warning.setText(mismatch == null ? "" : "⚠ " + mismatch);
        Path modelPath = state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get();
        caption.setText(String.format(Locale.ROOT, "Shown: %s through %s (%s model, %d tasks, %dx%d input, forward %.1f ms; "
                + "trained on %s)", imageName, modelPath == null ? "the model" : modelPath.getFileName(), p.interaction().id(),
                p.tasks().size(), mw, mh, p.forwardMs(), trainedOn == null ? "unknown data" : trainedOn));
        // exactly what the model gets: the image letterboxed into its input (aspect kept, padded)
        BufferedImage seen = new org.kemwb.io.Picture(mw, mh, p.letterbox().toModel(
                org.kemwb.io.ImageDecoder.fromBufferedImage(img).resize(pw, ph).rgb(), 3)).toBufferedImage();
        Label seenNote = Layouts.wrapping(new Label(String.format(Locale.ROOT,
                "The %dx%d image is fitted into the model's %dx%d input%s.", img.getWidth(), img.getHeight(), mw, mh,
                p.letterbox().contentWidth() == mw && p.letterbox().contentHeight() == mh ? ""
                        : " with its aspect kept (grey bars are padding)")));
        seenNote.getStyleClass().add("caption");
        VBox seenPanel = panel("inspect-seen", "what the model sees (" + mw + "x" + mh + ")", Pictures.of(seen), null, false,
                p.letterbox(), fitted(w, h, mw, mh, true), fitted(w, h, mw, mh, false), null, seenNote);
        seenPanel.setId("inspect-model-input");
        grid.add(seenPanel, 1, 0);
        Sample gt = state.groundTruthProperty().get();
        boolean withTruth = gt != null && gt.width() == pw && gt.height() == ph; // labels at the image's own size
        java.util.Set<Task> labelled = withTruth ? state.groundTruthTasksProperty().get() : java.util.Set.of();
        java.util.Map<Task, String> metrics = withTruth ? org.kemwb.infer.ImageMetrics.of(p, gt) : java.util.Map.of();
        int cell = 2;
        for (int t = 0; t < p.tasks().size(); t++) {
            Task task = p.tasks().get(t);
            int ti = t;
            boolean taskTruth = labelled.contains(task);
            // depth: output and ground truth on one scale covering both (an early model's 0.04-0.64 m beside 0.5-10 m labels)
            float[] range = task == Task.DEPTH && taskTruth ? OutputImages.sharedDepthRange(p.outputs().get(t), gt.depth(), pw * ph)
                    : range(p.outputs().get(t), task == Task.DEPTH ? pw * ph : p.outputs().get(t).length);
            Label value = new Label(" ");
            Image out = Pictures.output(p, t, range[0], range[1]);
            VBox outPanel = panel("output-" + task.id(), task.id() + (withTruth ? " (output)" : ""), input, out, task.categorical(), null, w, h,
                    value, legend(p, t, range, taskTruth, w));
            readouts.add(() -> value.setText(hovering() ? valueAt(p, ti, px(pw), py(ph)) : " "));
            if (!withTruth) {
                grid.add(outPanel, cell % COLUMNS, cell / COLUMNS);
                cell++;
                continue;
            }
            int row = t + 1;
            grid.add(outPanel, 0, row);
            if (!taskTruth) {
                // its labels could not be used: the reason went to the status bar and Messages (one line, naming the file)
                Label none = Layouts.wrapping(new Label("No ground truth for " + task.id() + ": see Messages for why."));
                none.setId("truth-missing-" + task.id());
                none.getStyleClass().add("caption");
                none.maxWidthProperty().bind(w);
                grid.add(none, 1, row);
                continue;
            }
            Image truth = Pictures.of(OutputImages.renderLabel(task, gt, range[0], range[1]));
            Label truthValue = new Label(" ");
            String[] names = task.categorical() ? org.kemwb.data.ClassNames.of(task, p.channels(t)) : new String[0];
            // labels of semseg, parts, edges and saliency are classes (or yes/no): drawn as sharp cells
            VBox truthPanel = panel("truth-" + task.id(), task.id() + " (ground truth)", input, truth, ErrorMaps.binary(task), null, w, h,
                    truthValue, legend(p, t, range, true, w));
            readouts.add(() -> truthValue.setText(hovering() ? truthAt(task, gt, names, px(pw), py(ph)) : " "));
            String metric = metrics.get(task);
            if (metric != null) {
                Label m = new Label(metric);
                m.setId("metric-" + task.id());
                truthPanel.getChildren().add(m);
            }
            grid.add(truthPanel, 1, row);
            float[] err = ErrorMaps.of(task, p.outputs().get(t), p.channels(t), gt);
            float max = ErrorMaps.max(err);
            Image errImage = Pictures.of(ErrorMaps.render(task, err, pw, ph, max));
            Label errValue = new Label(" ");
            VBox errPanel = panel("error-" + task.id(), task.id() + " error", input, errImage, ErrorMaps.binary(task), null, w, h, errValue,
                    errorLegend(task, err, max, w));
            readouts.add(() -> errValue.setText(hovering() ? errorAt(p, ti, gt, names, err, px(pw), py(ph)) : " "));
            grid.add(errPanel, 2, row);
        }
    }

    private boolean hovering() {
        return hoverX.get() >= 0 && hoverY.get() >= 0;
    }

    private int px(int size) {
        return Math.min(size - 1, Math.max(0, (int) (hoverX.get() * size)));
    }

    private int py(int size) {
        return Math.min(size - 1, Math.max(0, (int) (hoverY.get() * size)));
    }

    private String pixelText(BufferedImage img) {
        if (!hovering()) {
            return " ";
        }
        int x = Math.min(img.getWidth() - 1, (int) (hoverX.get() * img.getWidth()));
        int y = Math.min(img.getHeight() - 1, (int) (hoverY.get() * img.getHeight()));
        int rgb = img.getRGB(x, y);
        return String.format(Locale.ROOT, "pixel (%d, %d)  RGB (%d, %d, %d)", x, y, (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
    }

    /**
     * Width ({@code width} true) or height of a {@code mw} x {@code mh} picture fitted into the square whose side is the
     * longer of the photo panels' {@code w}, {@code h} (issue 3: the model input keeps its own shape, not the photo's).
     */
    static DoubleBinding fitted(DoubleBinding w, DoubleBinding h, int mw, int mh, boolean width) {
        double a = (double) mw / mh;
        return Bindings.createDoubleBinding(() -> {
            double side = Math.max(w.get(), h.get());
            return width ? (a >= 1 ? side : Math.floor(side * a)) : (a >= 1 ? Math.floor(side / a) : side);
        }, w, h);
    }

    /**
     * One panel: title, the image (with an overlay whose opacity follows the slider), a
     * crosshair at the hovered point, a value line and a legend, all as wide as the image.
     *
     * @param discrete the overlay holds classes (class map, labels, wrong/right): drawn as sharp
     *        cells ({@link Pictures#sharp}) instead of smoothed into gradients
     * @param letterbox null when the panel shows the image's own frame; else the panel shows the
     *        model input and the crosshair sits on the model-input pixel that shows the hovered
     *        image pixel ({@link org.kemwb.infer.Letterbox#toModelX}), and hovering the padding shows none
     */
    private VBox panel(String id, String title, Image base, Image overlay, boolean discrete, org.kemwb.infer.Letterbox letterbox,
            DoubleBinding w, DoubleBinding h, Label value, Node legend) {
        ImageView baseView = new ImageView(base);
        baseView.fitWidthProperty().bind(w);
        baseView.fitHeightProperty().bind(h);
        Pane stack = new Pane(baseView);
        if (overlay != null) {
            ImageView over;
            if (discrete) {
                over = Pictures.sharp(overlay, w, h);
            } else {
                over = new ImageView(overlay);
                over.fitWidthProperty().bind(w);
                over.fitHeightProperty().bind(h);
            }
            over.setId(id);
            over.opacityProperty().bind(opacity.valueProperty());
            stack.getChildren().add(over);
        } else {
            baseView.setId(id);
        }
        Line vertical = new Line();
        Line horizontal = new Line();
        for (Line l : List.of(vertical, horizontal)) {
            l.getStyleClass().add("crosshair");
            l.setManaged(false);
            l.visibleProperty().bind(hoverX.greaterThanOrEqualTo(0));
            l.setMouseTransparent(true);
        }
        // the hovered point as a fraction of this panel: the image's own, or where the letterbox put it in the model input
        DoubleBinding fx = letterbox == null ? hoverX.add(0) : Bindings.createDoubleBinding(
                () -> letterbox.toModelX(hoverX.get() * letterbox.imageWidth()) / letterbox.modelWidth(), hoverX);
        DoubleBinding fy = letterbox == null ? hoverY.add(0) : Bindings.createDoubleBinding(
                () -> letterbox.toModelY(hoverY.get() * letterbox.imageHeight()) / letterbox.modelHeight(), hoverY);
        vertical.startXProperty().bind(fx.multiply(w));
        vertical.endXProperty().bind(vertical.startXProperty());
        vertical.endYProperty().bind(h);
        horizontal.startYProperty().bind(fy.multiply(h));
        horizontal.endYProperty().bind(horizontal.startYProperty());
        horizontal.endXProperty().bind(w);
        stack.getChildren().addAll(vertical, horizontal);
        stack.prefWidthProperty().bind(w);
        stack.prefHeightProperty().bind(h);
        stack.minWidthProperty().bind(w);
        stack.minHeightProperty().bind(h);
        stack.maxWidthProperty().bind(w);
        stack.maxHeightProperty().bind(h);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(w);
        clip.heightProperty().bind(h);
        stack.setClip(clip);
        stack.setOnMouseMoved(e -> {
            if (letterbox == null) {
                hover(e.getX() / w.get(), e.getY() / h.get());
            } else { // model-input pixel -> image pixel; the padding holds none (hover refuses fractions outside 0..1)
                hover(letterbox.toImageX(e.getX() / w.get() * letterbox.modelWidth()) / letterbox.imageWidth(),
                        letterbox.toImageY(e.getY() / h.get() * letterbox.modelHeight()) / letterbox.imageHeight());
            }
        });
        stack.setOnMouseExited(e -> hover(-1, -1));
        Label name = Layouts.wrapping(new Label(title));
        name.setMnemonicParsing(false);
        name.getStyleClass().add("panel-title");
        VBox box = new VBox(4, name, stack);
        for (Node extra : new Node[] {value, legend}) {
            if (extra == null) {
                continue;
            }
            if (extra instanceof Label l) {
                Layouts.wrapping(l);
                l.maxWidthProperty().bind(w);
            }
            box.getChildren().add(extra);
        }
        box.getStyleClass().add("panel");
        box.maxWidthProperty().bind(w.add(14));
        box.prefWidthProperty().bind(w.add(14));
        return box;
    }

    /** Puts the crosshair at a point given as fractions of the image (negative: none). */
    void hover(double fx, double fy) {
        if (fx < 0 || fy < 0 || fx > 1 || fy > 1) {
            hoverX.set(-1);
            hoverY.set(-1);
        } else {
            hoverY.set(fy);
            hoverX.set(fx);
        }
        readouts.forEach(Runnable::run);
    }

    /** Smallest and largest value of the first {@code n} entries. */
    private static float[] range(float[] v, int n) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        return new float[] {lo, hi};
    }

    /** Class names with their colours, the depth colour bar in metres, or how normals/probabilities are coloured. */
    static Node legend(Prediction p, int t, float[] range, DoubleBinding width) {
        return legend(p, t, range, false, width);
    }

    /**
     * {@link #legend(Prediction, int, float[], DoubleBinding)}; {@code shared}: the depth scale is the one of
     * the output and its ground truth together, and the bar says so.
     */
    static Node legend(Prediction p, int t, float[] range, boolean shared, DoubleBinding width) {
        Task task = p.tasks().get(t);
        if (task.categorical()) {
            String[] names = org.kemwb.data.ClassNames.of(task, p.channels(t));
            FlowPane items = new FlowPane(8, 2);
            items.prefWrapLengthProperty().bind(width);
            for (int c = 0; c < p.channels(t); c++) {
                int rgb = OutputImages.classColour(c);
                items.getChildren().add(new HBox(3, swatch(rgb), new Label(c < names.length ? names[c] : "class " + c)));
            }
            return items;
        }
        if (task == Task.DEPTH) {
            if (!shared) {
                return scale(range[0], range[1], "m", width);
            }
            Label note = Layouts.wrapping(new Label("one scale for output and ground truth (min to max of both)"));
            note.getStyleClass().add("caption");
            note.setId("depth-shared-scale");
            note.maxWidthProperty().bind(width);
            return new VBox(2, scale(range[0], range[1], "m", width), note);
        }
        Label text = new Label(task == Task.NORMALS ? "colour: RGB = (x, y, z) / 2 + 0.5 of the unit normal, camera frame"
                : "probability, black 0 → white 1");
        text.getStyleClass().add("caption");
        return text;
    }

    /** The error panel's legend: a scale from 0 to the largest error, or the wrong/right colours and the share wrong. */
    static Node errorLegend(Task task, float[] err, float max, DoubleBinding width) {
        double mean = ErrorMaps.mean(err);
        if (ErrorMaps.binary(task)) {
            FlowPane items = new FlowPane(8, 2);
            items.prefWrapLengthProperty().bind(width);
            items.getChildren().addAll(new HBox(3, swatch(ErrorMaps.WRONG), new Label("wrong")),
                    new HBox(3, swatch(ErrorMaps.RIGHT), new Label("right")), new HBox(3, swatch(0), new Label("no label")),
                    new Label(String.format(Locale.ROOT, "%.1f %% of labelled pixels wrong", 100 * mean)));
            return items;
        }
        String unit = ErrorMaps.unit(task);
        VBox box = new VBox(2, scale(0, max, unit, width), new Label(String.format(Locale.ROOT, "mean %.3g %s", mean, unit)));
        return box;
    }

    /** A horizontal Turbo colour bar with its end values and unit, as wide as the panel. */
    static Node scale(double lo, double hi, String unit, DoubleBinding width) {
        Label low = Layouts.keepWidth(new Label(format(lo) + " " + unit));
        Label high = Layouts.keepWidth(new Label(format(hi) + " " + unit));
        ImageView bar = new ImageView(Pictures.horizontalBar(256, 12));
        bar.setPreserveRatio(false);
        bar.setFitHeight(12);
        HBox box = new HBox(6, low, bar, high);
        // the bar takes what the end values leave of the panel's width (a fixed share let values such as
        // "-0.00 m" push the panel, and with it its grid column, past the window's edge)
        bar.fitWidthProperty().bind(Bindings.createDoubleBinding(
                () -> Math.max(30, width.get() - low.prefWidth(-1) - high.prefWidth(-1) - 2 * box.getSpacing()),
                width, low.widthProperty(), high.widthProperty()));
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        box.getStyleClass().add("colour-scale");
        return box;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static Rectangle swatch(int rgb) {
        Rectangle r = new Rectangle(10, 10, javafx.scene.paint.Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff));
        r.setStroke(javafx.scene.paint.Color.gray(0.5));
        return r;
    }

    /** Name stem of the exports: the image's file name without extension. */
    private String stem() {
        Path image = state.imagePathProperty().get();
        return image == null ? "image" : org.kemwb.infer.Figure.stem(image);
    }

    /** Writes every task's raw output (.npy) and colour map (.png), named after the image, into a chosen folder. */
    private void export() {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        org.kemwb.infer.CardPrediction card = state.cardPredictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null && card != null) {
            java.io.File dir = Folders.directoryChooser("Export outputs to folder").showDialog(getScene().getWindow());
            if (dir != null) {
                Folders.remember(dir);
                exportCardTo(card, dir.toPath());
            }
            return;
        }
        if (p == null) {
            state.report("Nothing to export yet: open an image and a model first.");
            return;
        }
        java.io.File dir = Folders.directoryChooser("Export outputs to folder").showDialog(getScene().getWindow());
        if (dir != null) {
            Folders.remember(dir);
            exportTo(p, dir.toPath());
        }
    }

    /** Writes {@code <image>-<task>.npy} (C, H, W float32, raw outputs at the image's size) and {@code <image>-<task>.png} for every task (background). */
    javafx.concurrent.Task<Void> exportTo(Prediction p, java.nio.file.Path dir) {
        String stem = stem();
        javafx.concurrent.Task<Void> task = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting to " + dir);
                int h = p.height();
                int w = p.width();
                for (int t = 0; t < p.tasks().size(); t++) {
                    String id = stem + "-" + p.tasks().get(t).id();
                    OutputImages.writePng(OutputImages.render(p.tasks().get(t), p.outputs().get(t), p.channels(t), h, w), dir.resolve(id + ".png"));
                    OutputImages.writeNpy(p.outputs().get(t), new long[] {p.channels(t), h, w}, dir.resolve(id + ".npy"));
                }
                updateMessage("Exported " + p.tasks().size() + " outputs of " + stem + " to " + dir);
                return null;
            }
        };
        task.setOnFailed(e -> state.report(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
        return task;
    }

    /** Saves the combined figure as PNG or SVG (by the chosen name's extension). */
    private void exportFigure() {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null || state.imageProperty().get() == null) {
            state.report("Nothing to export yet: open an image and a model first.");
            return;
        }
        javafx.stage.FileChooser fc = Folders.fileChooser("Export figure");
        fc.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("PNG image", "*.png"),
                new javafx.stage.FileChooser.ExtensionFilter("SVG drawing", "*.svg"));
        fc.setInitialFileName(stem() + "-figure.png");
        java.io.File file = fc.showSaveDialog(getScene().getWindow());
        if (file != null) {
            Folders.remember(file);
            String name = file.getName().toLowerCase(Locale.ROOT);
            boolean svg = name.endsWith(".svg") || (!name.endsWith(".png") && fc.getSelectedExtensionFilter() != null
                    && fc.getSelectedExtensionFilter().getDescription().startsWith("SVG"));
            Path target = name.endsWith(".svg") || name.endsWith(".png") ? file.toPath() : file.toPath().resolveSibling(file.getName() + (svg ? ".svg" : ".png"));
            exportFigureTo(p, target);
        }
    }

    /** Writes the figure of the image shown and its outputs (ground truth and errors when known) to a .png or .svg file (background). */
    javafx.concurrent.Task<Void> exportFigureTo(Prediction p, Path file) {
        BufferedImage img = state.imageProperty().get();
        Sample gt = state.groundTruthProperty().get();
        java.util.Set<Task> labelled = state.groundTruthTasksProperty().get();
        Path model = state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get();
        String heading = stem() + " · " + (model == null ? p.interaction().id() : model.getFileName() + " (" + p.interaction().id() + ")");
        javafx.concurrent.Task<Void> task = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting " + file.getFileName());
                org.kemwb.infer.Figure figure = new org.kemwb.infer.Figure(heading, img, p, gt, labelled);
                if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
                    figure.svg(file);
                } else {
                    figure.png(file);
                }
                updateMessage("Exported " + file.getFileName());
                return null;
            }
        };
        task.setOnFailed(e -> state.report(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
        return task;
    }

    /**
     * A ground-truth label at an output pixel, in the same words as {@link #valueAt}: class {@code c} of
     * semseg/parts is {@code names[c]} (the names the output and legend use, {@code data.ClassNames} by the
     * model's class count), "class c" beyond them.
     */
    static String truthAt(Task task, Sample gt, String[] names, int x, int y) {
        int n = gt.pixels();
        int i = y * gt.width() + x;
        return switch (task) {
            case SEMSEG -> gt.semseg()[i] == Sample.IGNORE ? "no label" : name(names, gt.semseg()[i]);
            case PARTS -> gt.parts()[i] == Sample.IGNORE ? "no label" : name(names, gt.parts()[i]);
            case DEPTH -> gt.depth()[i] <= 0 ? "no label" : String.format(Locale.ROOT, "%.2f m", gt.depth()[i]);
            case NORMALS -> String.format(Locale.ROOT, "(%.2f, %.2f, %.2f)", gt.normals()[i], gt.normals()[n + i], gt.normals()[2 * n + i]);
            case EDGES -> (gt.edges()[i] & 0xff) == Sample.IGNORE ? "no label" : gt.edges()[i] != 0 ? "edge" : "no edge";
            case SALIENCY -> (gt.saliency()[i] & 0xff) == Sample.IGNORE ? "no label" : gt.saliency()[i] != 0 ? "salient" : "background";
        };
    }

    /**
     * The error map's value at a pixel ({@link #errorText}); for semseg and parts a wrong pixel also names the
     * output's and the ground truth's class, in the names of the legend.
     */
    static String errorAt(Prediction p, int t, Sample gt, String[] names, float[] err, int x, int y) {
        Task task = p.tasks().get(t);
        float v = err[y * p.width() + x];
        String text = errorText(task, v);
        if (task.categorical() && !Float.isNaN(v) && v > 0) {
            text += ": output " + valueAt(p, t, x, y) + ", truth " + truthAt(task, gt, names, x, y);
        }
        return text;
    }

    static String errorText(Task task, float v) {
        if (Float.isNaN(v)) {
            return "no label";
        }
        return switch (task) {
            case DEPTH -> String.format(Locale.ROOT, "|error| %.2f m", v);
            case NORMALS -> String.format(Locale.ROOT, "angle %.1f°", v);
            default -> v > 0 ? "wrong" : "right";
        };
    }

    private static String name(String[] names, int c) {
        return c < names.length ? names[c] : "class " + c;
    }

    static String valueAt(Prediction p, int t, int x, int y) {
        int n = p.height() * p.width();
        int i = y * p.width() + x;
        float[] o = p.outputs().get(t);
        Task task = p.tasks().get(t);
        return switch (task) {
            case SEMSEG, PARTS -> {
                int best = 0;
                for (int c = 1; c < p.channels(t); c++) {
                    if (o[c * n + i] > o[best * n + i]) {
                        best = c;
                    }
                }
                String[] names = org.kemwb.data.ClassNames.of(task, p.channels(t));
                yield best < names.length ? names[best] : "class " + best;
            }
            case DEPTH -> String.format(Locale.ROOT, "%.2f m", o[i]);
            case NORMALS -> {
                double tilt = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, -o[2 * n + i]))));
                yield String.format(Locale.ROOT, "(%.2f, %.2f, %.2f), %.0f° from the view axis", o[i], o[n + i], o[2 * n + i], tilt);
            }
            case EDGES, SALIENCY -> String.format(Locale.ROOT, "p = %.2f", 1 / (1 + Math.exp(-o[i])));
        };
    }

    /**
     * A card model's outputs (any PyTorch model with a model card): the image, what the model
     * sees, then every task of the card at the image's size with the card's class names and
     * colours; a line names the kinds of output the card does not have.
     */
    private void showCard(org.kemwb.infer.CardPrediction p, String imageName, BufferedImage img, Image input, DoubleBinding w, DoubleBinding h) {
        Path modelPath = state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get();
        org.kemwb.infer.Letterbox lb = p.letterbox();
        int pw = p.width();
        int ph = p.height();
        caption.setText(String.format(Locale.ROOT, "Shown: %s through %s (%s; model card, %d tasks, %dx%d input, forward %.1f ms). %s",
                imageName, modelPath == null ? "the model" : modelPath.getFileName(), p.card().name(), p.tasks().size(), lb.modelWidth(),
                lb.modelHeight(), p.forwardMs(), CardPanels.missingKinds(p.card())).strip());
        org.kemwb.io.Picture photo = org.kemwb.io.ImageDecoder.fromBufferedImage(img);
        BufferedImage seen = new org.kemwb.io.Picture(lb.modelWidth(), lb.modelHeight(),
                org.kemwb.infer.CardModel.modelInput(p.card().input(), lb, photo)).toBufferedImage();
        Label seenNote = Layouts.wrapping(new Label(String.format(Locale.ROOT, "The %dx%d image %s the model's %dx%d input%s.", pw, ph,
                p.card().input().fixed() ? "is fitted into" : "is scaled and padded to", lb.modelWidth(), lb.modelHeight(),
                lb.contentWidth() == lb.modelWidth() && lb.contentHeight() == lb.modelHeight() ? "" : " (padding in the card's mean colour)")));
        seenNote.getStyleClass().add("caption");
        VBox seenPanel = panel("inspect-seen", "what the model sees (" + lb.modelWidth() + "x" + lb.modelHeight() + ")", Pictures.of(seen),
                null, false, lb, fitted(w, h, lb.modelWidth(), lb.modelHeight(), true), fitted(w, h, lb.modelWidth(), lb.modelHeight(), false), null,
                seenNote);
        seenPanel.setId("inspect-model-input");
        grid.add(seenPanel, 1, 0);
        int cell = 2;
        for (org.kemwb.infer.CardPrediction.TaskMap t : p.tasks()) {
            Label value = new Label(" ");
            Image out = Pictures.of(org.kemwb.infer.CardOutputs.render(t, pw, ph));
            VBox outPanel = panel("output-" + t.spec().name(), CardPanels.title(t), input, out,
                    t.spec().kind() == org.kemwb.card.ModelCard.Kind.SEGMENTATION, null, w, h, value, CardPanels.legend(t, pw, ph, w));
            readouts.add(() -> value.setText(hovering() ? CardPanels.valueAt(t, pw, ph, px(pw), py(ph)) : " "));
            grid.add(outPanel, cell % COLUMNS, cell / COLUMNS);
            cell++;
        }
    }

    /** Writes a card model's outputs as {@code kemwb infer} does ({@code infer.CardOutputs}), in the background. */
    javafx.concurrent.Task<Void> exportCardTo(org.kemwb.infer.CardPrediction p, Path dir) {
        String stem = stem();
        BufferedImage img = state.imageProperty().get();
        javafx.concurrent.Task<Void> task = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting to " + dir);
                var files = org.kemwb.infer.CardOutputs.write(p, org.kemwb.io.ImageDecoder.fromBufferedImage(img), dir, stem);
                updateMessage("Exported " + files.size() + " files of " + stem + " to " + dir);
                return null;
            }
        };
        task.setOnFailed(e -> state.report(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
        return task;
    }
}
