package org.kemwb.ui;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javafx.beans.binding.DoubleBinding;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import org.kemwb.card.ModelCard;
import org.kemwb.infer.CardPrediction;

/**
 * What Inspect shows of a card model ({@code infer.CardModel}: any PyTorch model exported with
 * its model card): per task of the card its value at a pixel and its legend (the card's class
 * names and colours, depth in metres, the card's normal axes), and which kinds of output the card
 * does not have. Plain functions of a {@link CardPrediction}, so that InspectView draws card
 * tasks in the same panels as its own tasks.
 */
final class CardPanels {
    /** Segmentation legends list at most this many classes (those covering most pixels). */
    static final int MAX_LEGEND_CLASSES = 12;

    private CardPanels() {}

    /** Panel title of a task: its name and kind ("semseg (segmentation, 40 classes)"). */
    static String title(CardPrediction.TaskMap t) {
        ModelCard.TaskSpec s = t.spec();
        return switch (s.kind()) {
            case SEGMENTATION -> s.name() + " (segmentation, " + s.classes().size() + " classes)";
            case DEPTH -> s.name() + " (depth, metres)";
            default -> s.name() + " (" + s.kind().id() + ")";
        };
    }

    /**
     * The task's value at photo pixel (x, y), in the card's words: the class name, depth in
     * metres, the normal vector, or the edge/saliency probability.
     */
    static String valueAt(CardPrediction.TaskMap t, int width, int height, int x, int y) {
        int n = width * height;
        int i = y * width + x;
        float[] v = t.values();
        return switch (t.spec().kind()) {
            case SEGMENTATION -> t.spec().classes().get(t.classMap()[i]).name();
            case DEPTH -> String.format(Locale.ROOT, "%.2f m", v[i]);
            case NORMALS -> String.format(Locale.ROOT, "(%.2f, %.2f, %.2f)", v[i], v[n + i], v[2 * n + i]);
            case EDGES, SALIENCY -> String.format(Locale.ROOT, "p = %.2f", v[i]);
        };
    }

    /**
     * The legend under a task: the classes present (largest share first, with the card's colours
     * and the share of pixels), the depth colour scale in metres, what the normal colours mean in
     * the card's axes, or the probability grey scale.
     */
    static Node legend(CardPrediction.TaskMap t, int width, int height, DoubleBinding panelWidth) {
        ModelCard.TaskSpec s = t.spec();
        switch (s.kind()) {
            case SEGMENTATION -> {
                int[] count = new int[s.classes().size()];
                for (int c : t.classMap()) {
                    count[c]++;
                }
                List<Integer> present = new ArrayList<>();
                for (int c = 0; c < count.length; c++) {
                    if (count[c] > 0) {
                        present.add(c);
                    }
                }
                present.sort((a, b) -> Integer.compare(count[b], count[a]));
                FlowPane items = new FlowPane(8, 2);
                items.prefWrapLengthProperty().bind(panelWidth);
                double n = t.classMap().length;
                for (int c : present.subList(0, Math.min(MAX_LEGEND_CLASSES, present.size()))) {
                    ModelCard.SegClass k = s.classes().get(c);
                    items.getChildren().add(new HBox(3, InspectView.swatch(k.colour()),
                            new Label(String.format(Locale.ROOT, "%s %.0f %%", k.name(), 100 * count[c] / n))));
                }
                if (present.size() > MAX_LEGEND_CLASSES) {
                    items.getChildren().add(new Label("+ " + (present.size() - MAX_LEGEND_CLASSES) + " more"));
                }
                items.getChildren().add(new Label(present.size() + " of " + s.classes().size() + " classes present"
                        + (s.preset() == null ? "" : " (" + s.preset() + ")")));
                return items;
            }
            case DEPTH -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < width * height; p++) {
                    lo = Math.min(lo, t.values()[p]);
                    hi = Math.max(hi, t.values()[p]);
                }
                return InspectView.scale(lo, hi, "m", panelWidth);
            }
            case NORMALS -> {
                Label text = new Label("colour: RGB = (x, y, z) / 2 + 0.5 of the normal; +x " + s.axes().get(0) + ", +y "
                        + s.axes().get(1) + ", +z " + s.axes().get(2) + " (" + s.frame() + " frame)");
                text.getStyleClass().add("caption");
                return text;
            }
            default -> {
                Label text = new Label("probability, black 0 → white 1" + (s.probabilities() ? "" : " (sigmoid of the model's logits)"));
                text.getStyleClass().add("caption");
                return text;
            }
        }
    }

    /**
     * One line naming the kinds of output the card does not have (they are not shown), or "" when
     * it has all five.
     */
    static String missingKinds(ModelCard card) {
        Set<ModelCard.Kind> missing = EnumSet.allOf(ModelCard.Kind.class);
        card.tasks().forEach(t -> missing.remove(t.kind()));
        if (missing.isEmpty()) {
            return "";
        }
        List<String> names = missing.stream().map(ModelCard.Kind::id).toList();
        return "Its card has no " + String.join(", ", names) + " output" + (names.size() > 1 ? "s" : "") + ": not shown.";
    }
}
