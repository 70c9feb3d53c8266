package org.kemwb.ui;

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
import org.kemwb.infer.OutputImages;
import org.kemwb.infer.Prediction;

/**
 * KEM's memory: every slot with markers on the tokens it read (colour = the task the token
 * belongs to), and a bar chart of how much attention each task takes from each task.
 */
final class MemoryView extends VBox {
    static final int THUMB = 96;
    private final FlowPane slots = new FlowPane(6, 6);
    private final Label diagnostics = new Label();
    private final HBox legendBox = new HBox();
    private final BarChart<String, Number> mass = new BarChart<>(new CategoryAxis(), new NumberAxis(0, 1, 0.2));

    MemoryView() {
        setSpacing(6);
        setPadding(new Insets(6, 0, 0, 0));
        mass.setTitle("Attention mass each task (axis) takes from each task");
        mass.setPrefWidth(520);
        mass.setPrefHeight(230);
        mass.setAnimated(false);
        mass.setId("task-mass-chart");
        slots.setId("memory-slots");
        diagnostics.setId("slot-diagnostics");
        Layouts.wrapping(diagnostics);
        getChildren().addAll(new HBox(16, mass), legendBox, new Label("Memory slots and the tokens each one read: k per head (marker colour = task)"),
                diagnostics, slots);
    }

    /** How many distinct tokens (task, position) at least one slot read (retrieve weight > 0). */
    static int distinctTokens(Prediction p) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int n = 0; n < p.config().slots(); n++) {
            for (int[] r : p.slotReads(n)) {
                seen.add(((long) r[0] << 32) | ((long) r[2] * p.gridWidth() + r[1]));
            }
        }
        return seen.size();
    }

    void show(Prediction p, Image image) {
        mass.getData().clear();
        slots.getChildren().clear();
        diagnostics.setText("");
        legendBox.getChildren().clear();
        if (p == null || p.taskMass() == null) {
            return;
        }
        int k = p.tasks().size();
        legendBox.getChildren().setAll(TaskColours.legend(p.tasks()));
        for (int s = 0; s < k; s++) {
            XYChart.Series<String, Number> series = new XYChart.Series<>();
            series.setName("from " + p.tasks().get(s).id());
            for (int t = 0; t < k; t++) {
                series.getData().add(new XYChart.Data<>(p.tasks().get(t).id(), p.taskMass()[t * k + s]));
            }
            mass.getData().add(series);
        }
        if (p.retrieve() == null) {
            slots.getChildren().add(new Label(p.interaction().id() + " has no memory slots"));
            return;
        }
        int distinct = distinctTokens(p);
        int tokens = p.retrieve().length / p.config().slots() / p.config().taskCount();
        diagnostics.setText(String.format(Locale.ROOT, "On this image the %d slots read %d distinct tokens of the %d (%d tasks x %d); "
                + "each slot reads top-k = %d per head.", p.config().slots(), distinct, p.config().taskCount() * tokens,
                p.config().taskCount(), tokens, p.config().topK()));
        double sx = (double) THUMB / p.width();
        double sy = (double) THUMB / p.height();
        for (int n = 0; n < p.config().slots(); n++) {
            ImageView under = new ImageView(image);
            under.setFitWidth(THUMB);
            under.setFitHeight(THUMB);
            Pane markers = new Pane();
            markers.setPrefSize(THUMB, THUMB);
            List<int[]> reads = p.slotReads(n);
            StringBuilder tip = new StringBuilder();
            for (int[] r : reads) {
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
                tip.append(String.format(Locale.ROOT, "%s (%d,%d) %.0f%%  ", p.tasks().get(r[0]).id(), r[1], r[2], r[3] / 10.0));
            }
            StackPane thumb = new StackPane(under, markers);
            Label caption = new Label("slot " + n);
            javafx.scene.control.Tooltip.install(thumb, new javafx.scene.control.Tooltip(tip.toString().trim()));
            slots.getChildren().add(new VBox(2, caption, thumb));
        }
    }
}
