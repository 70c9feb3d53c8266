package org.kemwb.ui;

import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.kemwb.infer.OutputImages;
import org.kemwb.model.Task;

/** One colour per task (by its index in the model), used by every attention view: slot markers, captions, bars. */
final class TaskColours {
    private TaskColours() {}

    /** 0xRRGGBB of the task at index {@code t}. */
    static int rgb(int t) {
        return OutputImages.classColour(t + 2);
    }

    static Color colour(int t) {
        int rgb = rgb(t);
        return Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
    }

    static Rectangle swatch(int t) {
        Rectangle r = new Rectangle(10, 10, colour(t));
        r.setStroke(Color.gray(0.5));
        return r;
    }

    /** "■ semseg  ■ depth  ■ normals": the legend of the scheme. */
    static FlowPane legend(List<Task> tasks) {
        FlowPane legend = new FlowPane(10, 4);
        legend.setId("task-colour-legend");
        legend.getChildren().add(new Label("Task colours:"));
        for (int t = 0; t < tasks.size(); t++) {
            legend.getChildren().add(new HBox(4, swatch(t), new Label(tasks.get(t).id())));
        }
        return legend;
    }
}
