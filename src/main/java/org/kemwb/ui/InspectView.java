package org.kemwb.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.infer.Prediction;
import org.kemwb.model.Task;

/**
 * Every task's output side by side in a grid that reflows with the window, each over the
 * input image with an adjustable opacity; hovering any panel shows the value under the cursor
 * in every panel at once.
 */
public final class InspectView extends VBox {
    static final int PANEL = 256;
    private final WorkbenchState state;
    private final FlowPane grid = new FlowPane(12, 12);
    private final Slider opacity = new Slider(0, 1, 1);
    private final Label info = new Label("Open an image (Ctrl+O) and a checkpoint (Ctrl+Shift+O), or drop them here.");
    private final List<Label> readouts = new ArrayList<>();
    private final List<ImageView> outputViews = new ArrayList<>();

    public InspectView(WorkbenchState state) {
        this.state = state;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        opacity.setPrefWidth(200);
        opacity.setId("opacity");
        javafx.scene.control.Button export = new javafx.scene.control.Button("Export outputs…");
        export.setId("inspect-export");
        export.setOnAction(e -> export());
        HBox controls = new HBox(10, new Label("Output opacity"), opacity, export, info);
        controls.setAlignment(Pos.CENTER_LEFT);
        grid.setId("task-grid");
        javafx.scene.control.ListView<java.nio.file.Path> strip = new javafx.scene.control.ListView<>(state.openedImages());
        strip.setOrientation(javafx.geometry.Orientation.HORIZONTAL);
        strip.setPrefHeight(44);
        strip.setMinHeight(44);
        strip.setId("image-strip");
        strip.setCellFactory(v -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(java.nio.file.Path item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.getFileName().toString());
            }
        });
        strip.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && !b.equals(state.imagePathProperty().get())) {
                state.openImage(b);
            }
        });
        javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(grid);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, javafx.scene.layout.Priority.ALWAYS);
        getChildren().addAll(controls, strip, scroll);
        state.predictionProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, p) -> show(p));
        state.imageProperty().addListener((o, a, b) -> show(state.predictionProperty(WorkbenchState.Slot.PRIMARY).get()));
    }

    private void show(Prediction p) {
        grid.getChildren().clear();
        readouts.clear();
        outputViews.clear();
        if (state.imageProperty().get() == null) {
            return;
        }
        var input = Pictures.of(state.imageProperty().get());
        grid.getChildren().add(panel("image", new ImageView(input), null, null));
        if (p == null) {
            return;
        }
        var gtSample = state.groundTruthProperty().get();
        java.util.Map<Task, String> metrics = gtSample != null && gtSample.size() == p.height() && gtSample.size() == p.width()
                ? org.kemwb.infer.ImageMetrics.of(p, gtSample) : java.util.Map.of();
        info.setText(String.format(Locale.ROOT, "%s model, %d tasks, %dx%d image (width x height), %dx%d model input, forward %.1f ms",
                p.interaction().id(), p.tasks().size(), p.width(), p.height(), p.letterbox().modelWidth(),
                p.letterbox().modelHeight(), p.forwardMs()));
        for (int t = 0; t < p.tasks().size(); t++) {
            ImageView out = new ImageView(Pictures.output(p, t));
            out.opacityProperty().bind(opacity.valueProperty());
            out.setId("output-" + p.tasks().get(t).id());
            outputViews.add(out);
            Label readout = new Label(" ");
            readout.setMaxWidth(PANEL);
            readouts.add(readout);
            VBox box = panel(p.tasks().get(t).id(), new ImageView(input), out, readout);
            box.getChildren().add(legend(p, t));
            grid.getChildren().add(box);
            org.kemwb.data.Sample gt = state.groundTruthProperty().get();
            if (gt != null && gt.size() == p.height() && gt.size() == p.width()) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : p.outputs().get(t)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                ImageView truth = new ImageView(Pictures.of(org.kemwb.infer.OutputImages.renderLabel(p.tasks().get(t), gt, lo, hi)));
                truth.setId("truth-" + p.tasks().get(t).id());
                VBox gtBox = panel(p.tasks().get(t).id() + " (ground truth)", new ImageView(input), truth, null);
                String metric = metrics.get(p.tasks().get(t));
                if (metric != null) {
                    Label m = new Label(metric);
                    m.setId("metric-" + p.tasks().get(t).id());
                    gtBox.getChildren().add(m);
                }
                grid.getChildren().add(gtBox);
            }
        }
    }

    private VBox panel(String title, ImageView base, ImageView overlay, Label readout) {
        base.setFitWidth(PANEL);
        base.setFitHeight(PANEL);
        base.setPreserveRatio(false);
        StackPane stack = new StackPane(base);
        if (overlay != null) {
            overlay.setFitWidth(PANEL);
            overlay.setFitHeight(PANEL);
            overlay.setSmooth(false);
            stack.getChildren().add(overlay);
        }
        stack.setOnMouseMoved(e -> hover(e.getX() / PANEL, e.getY() / PANEL));
        stack.setOnMouseExited(e -> readouts.forEach(r -> r.setText(" ")));
        Label name = new Label(title);
        name.getStyleClass().add("panel-title");
        VBox box = new VBox(4, name, stack);
        if (readout != null) {
            box.getChildren().add(readout);
        }
        box.getStyleClass().add("panel");
        box.setMaxWidth(PANEL + 14);
        return box;
    }

    /** Class names with their colours, or the depth colour bar in metres. */
    static javafx.scene.Node legend(Prediction p, int t) {
        Task task = p.tasks().get(t);
        if (task.categorical()) {
            String[] names = task == Task.SEMSEG ? SyntheticScenes.CLASSES : SyntheticScenes.PARTS;
            FlowPane items = new FlowPane(8, 2);
            items.setPrefWrapLength(PANEL);
            for (int c = 0; c < p.channels(t); c++) {
                int rgb = org.kemwb.infer.OutputImages.classColour(c);
                javafx.scene.shape.Rectangle swatch = new javafx.scene.shape.Rectangle(10, 10,
                        javafx.scene.paint.Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff));
                items.getChildren().add(new HBox(3, swatch, new Label(c < names.length ? names[c] : "class " + c)));
            }
            return items;
        }
        if (task == Task.DEPTH) {
            float[] d = p.outputs().get(t);
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : d) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            ImageView bar = new ImageView(Pictures.colourBar(14, PANEL - 110));
            bar.setRotate(90);
            javafx.scene.Group rotated = new javafx.scene.Group(bar);
            Label low = new Label(String.format(Locale.ROOT, "%.1f m", lo));
            Label high = new Label(String.format(Locale.ROOT, "%.1f m", hi));
            low.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            high.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            bar.setFitWidth(0);
            HBox box = new HBox(6, low, rotated, high);
            box.setAlignment(Pos.CENTER_LEFT);
            return box;
        }
        Label text = new Label(task == Task.NORMALS ? "RGB = (x, y, z) / 2 + 0.5, camera frame" : "probability, black 0 → white 1");
        text.setWrapText(true);
        text.setMaxWidth(PANEL);
        text.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        return text;
    }

    /** Writes every task panel as PNG and the raw outputs as .npy into a chosen folder (background). */
    private void export() {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null) {
            return;
        }
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Export outputs to folder");
        java.io.File dir = chooser.showDialog(getScene().getWindow());
        if (dir != null) {
            exportTo(p, dir.toPath());
        }
    }

    javafx.concurrent.Task<Void> exportTo(Prediction p, java.nio.file.Path dir) {
        javafx.concurrent.Task<Void> task = new javafx.concurrent.Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Exporting to " + dir);
                java.nio.file.Path image = state.imagePathProperty().get();
                org.kemwb.infer.PredictionExport.write(p, dir, image == null ? "image" : org.kemwb.infer.PredictionExport.stem(image));
                updateMessage("Exported " + p.tasks().size() + " outputs to " + dir);
                return null;
            }
        };
        task.setOnFailed(e -> state.errorProperty().set(WorkbenchState.message(task.getException())));
        state.jobs().onOwnThread(task, "kemwb-export");
        return task;
    }

    /** Value under the cursor (fractions of the panel) for every task. */
    void hover(double fx, double fy) {
        Prediction p = state.predictionProperty(WorkbenchState.Slot.PRIMARY).get();
        if (p == null) {
            return;
        }
        int x = Math.min(p.width() - 1, Math.max(0, (int) (fx * p.width())));
        int y = Math.min(p.height() - 1, Math.max(0, (int) (fy * p.height())));
        for (int t = 0; t < readouts.size(); t++) {
            readouts.get(t).setText(valueAt(p, t, x, y));
        }
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
                String[] names = task == Task.SEMSEG ? SyntheticScenes.CLASSES : SyntheticScenes.PARTS;
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
}
