package org.kemwb.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.text.Text;

/**
 * Finds what a user would see cut in a laid-out scene: a Labeled whose text is shown shortened
 * (ellipsis), a spinner whose number does not fit its field, a control reaching outside the
 * window, and a scroll pane whose content is wider than its viewport (cut on the right).
 * Labels marked with the style class {@code elidable} may be shortened (their full text is
 * in a tooltip and in the message log). Call on the FX thread.
 */
final class LayoutCheck {
    private LayoutCheck() {}

    static List<String> problems(Scene scene) {
        List<String> out = new ArrayList<>();
        scene.getRoot().applyCss();
        scene.getRoot().layout();
        walk(scene.getRoot(), scene, out);
        return out;
    }

    /**
     * {@link #problems} of the scene as it is on screen now, without laying it out first: finds a
     * page left in a stale layout (one that only a later event, such as a mouse move, would fix).
     */
    static List<String> problemsAsShown(Scene scene) {
        List<String> out = new ArrayList<>();
        walk(scene.getRoot(), scene, out);
        return out;
    }

    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return n.getScene() != null;
    }

    private static boolean inside(Node n, Class<?> type) {
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (type.isInstance(p)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Node n) {
        String id = n.getId() != null ? "#" + n.getId() : "";
        String text = n instanceof Labeled l ? " '" + l.getText() + "'" : "";
        return n.getClass().getSimpleName() + id + text;
    }

    private static void walk(Node n, Scene scene, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof Labeled l && shown(l) && l.getText() != null && !l.getText().isBlank()
                && !l.getStyleClass().contains("elidable") && l.getWidth() > 0) {
            Text text = l.getChildrenUnmodifiable().stream().filter(c -> c instanceof Text).map(c -> (Text) c).findFirst().orElse(null);
            if (text != null) {
                String full = l.getText().replace("_", "");
                String seen = text.getText() == null ? "" : text.getText().replace("_", "");
                if (!full.equals(seen)) {
                    out.add(describe(l) + " is shown as '" + seen + "'");
                }
            }
        }
        if (n instanceof Spinner<?> s && shown(s) && s.getEditor() != null) {
            var editor = s.getEditor();
            Text probe = new Text(editor.getText());
            probe.setFont(editor.getFont());
            double need = probe.getLayoutBounds().getWidth();
            double have = editor.getWidth() - editor.getInsets().getLeft() - editor.getInsets().getRight();
            if (need > have + 0.5) {
                out.add(describe(s) + " shows '" + editor.getText() + "' in " + Math.round(have) + " px, needs " + Math.round(need));
            }
        }
        if (n instanceof ScrollPane sp && shown(sp) && sp.getContent() != null) {
            double content = sp.getContent().getLayoutBounds().getWidth();
            double viewport = sp.getViewportBounds().getWidth();
            if (content > viewport + 1) {
                out.add(describe(sp) + " content is " + Math.round(content) + " px wide in a " + Math.round(viewport) + " px viewport");
            }
        }
        if (n instanceof Control c && shown(c) && !inside(c, ScrollPane.class) && !inside(c, javafx.scene.control.skin.VirtualFlow.class)
                && !inside(c, javafx.scene.control.TableView.class)) {
            Bounds b = c.localToScene(c.getLayoutBounds());
            if (b.getMaxX() > scene.getWidth() + 1 || b.getMaxY() > scene.getHeight() + 1 || b.getMinX() < -1 || b.getMinY() < -1) {
                out.add(describe(c) + " lies outside the window at " + Math.round(b.getMinX()) + "," + Math.round(b.getMinY()) + " - "
                        + Math.round(b.getMaxX()) + "," + Math.round(b.getMaxY()));
            }
        }
        if (n instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                walk(child, scene, out);
            }
        }
    }
}
