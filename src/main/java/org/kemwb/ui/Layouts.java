package org.kemwb.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

/**
 * Layout rules shared by the pages so that nothing is cut on a small screen (1024x700): rows
 * of controls wrap instead of squeezing their labels, controls never shrink below the width
 * their text needs, spinners are wide enough for their largest number, and image panels take
 * their size from the space the window gives them.
 */
final class Layouts {
    private Layouts() {}

    /** A row of controls that wraps onto the next line when the window is narrow; no control shrinks. */
    static FlowPane row(Node... nodes) {
        FlowPane row = new FlowPane(8, 6, nodes);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setRowValignment(javafx.geometry.VPos.CENTER);
        for (Node n : nodes) {
            keepWidth(n);
        }
        return row;
    }

    /** The node never gets narrower than its preferred width (its whole text stays readable). */
    static <T extends Node> T keepWidth(T n) {
        if (n instanceof Region r) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        return n;
    }

    /** Widens an editable spinner so that {@code widest} (its largest value as text) fits in the field. */
    static void fitSpinner(Spinner<?> spinner, String widest) {
        spinner.setEditable(true);
        Text probe = new Text(widest + "00");
        probe.setFont(spinner.getEditor().getFont());
        // the arrow buttons take about 24 px, the field's padding about 16 px
        double w = Math.ceil(probe.getLayoutBounds().getWidth()) + 44;
        spinner.setPrefWidth(Math.max(spinner.getPrefWidth(), w));
        spinner.setMinWidth(Region.USE_PREF_SIZE);
    }

    /**
     * Makes a combo box as wide as the widest of the items it may ever hold, so that items
     * added later (e.g. a metric that appears mid-run) never change its width and never move
     * the controls beside it.
     */
    static void fitComboBox(javafx.scene.control.ComboBox<String> box, java.util.Collection<String> possibleItems) {
        javafx.scene.text.Font font = javafx.scene.text.Font.getDefault();
        double widest = 0;
        for (String item : possibleItems) {
            widest = Math.max(widest, textWidth(item, font) * 1.15); // themes set a larger font than the default
        }
        // the arrow button takes about 30 px, the cell's padding about 24 px
        box.setPrefWidth(Math.ceil(widest) + 60);
        box.setMinWidth(Region.USE_PREF_SIZE);
    }

    /**
     * Side of a square image panel so that {@code columns} panels (with {@code gap} between
     * them and {@code extra} pixels of other content per row) fill the scroll pane's viewport,
     * between {@code min} and {@code max} pixels. Updates when the window is resized.
     */
    static DoubleBinding panelSide(ScrollPane scroll, int columns, double gap, double extra, double min, double max) {
        return panelSide(scroll, new javafx.beans.property.SimpleIntegerProperty(columns), gap, extra, min, max);
    }

    /**
     * {@link #panelSide(ScrollPane, int, double, double, double, double)} for a number of
     * columns that changes (e.g. the image plus one heatmap per task of the open model).
     */
    static DoubleBinding panelSide(ScrollPane scroll, javafx.beans.value.ObservableIntegerValue columnCount, double gap, double extra,
            double min, double max) {
        // the side sets the content's height, which decides whether a vertical scroll bar shows, which
        // changes the viewport width the side is computed from: with the bar shown always the layout
        // cannot oscillate between the two widths
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.ALWAYS);
        ReadOnlyDoubleProperty viewport = viewportWidth(scroll);
        return Bindings.createDoubleBinding(() -> {
            double w = viewport.get();
            if (w <= 0) {
                return min;
            }
            int columns = Math.max(1, columnCount.get());
            double side = Math.floor((w - extra - gap * (columns - 1) - 4) / columns);
            return Math.max(min, Math.min(max, side));
        }, viewport, columnCount);
    }

    /**
     * The width of a scroll pane's viewport, as a property that changes only when the width
     * does. Bind sizes to this, never to {@code viewportBoundsProperty()}: the scroll pane sets a
     * new bounds object on every layout pass, which invalidates everything bound to it even when
     * nothing moved; a bound size (an image view's fit width, a region's pref width) then asks
     * for layout again, and the page lays out and repaints on every pulse while idle.
     */
    static ReadOnlyDoubleProperty viewportWidth(ScrollPane scroll) {
        ReadOnlyDoubleWrapper width = new ReadOnlyDoubleWrapper(scroll.getViewportBounds().getWidth());
        scroll.viewportBoundsProperty().addListener((o, a, b) -> width.set(b.getWidth()));
        return width.getReadOnlyProperty();
    }

    /**
     * Sizes every column of a table to its header and widest cell text (call after the items
     * change); a table wider than its space then scrolls sideways instead of cutting text.
     */
    static <S> void fitColumns(TableView<S> table) {
        fitColumns(table, (column, v) -> v.toString());
    }

    /**
     * {@link #fitColumns(TableView)} for columns whose cells show their value formatted: {@code shown}
     * gives a column's cell text for a (non-null) value.
     */
    static <S> void fitColumns(TableView<S> table, java.util.function.BiFunction<TableColumn<S, ?>, Object, String> shown) {
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        javafx.scene.text.Font headerFont = fontOf(table, ".column-header .label");
        javafx.scene.text.Font cellFont = fontOf(table, ".table-cell");
        for (TableColumn<S, ?> column : table.getColumns()) {
            double w = textWidth(column.getText(), headerFont) + 30;
            for (int i = 0; i < table.getItems().size(); i++) {
                Object v = column.getCellData(i);
                if (v != null) {
                    w = Math.max(w, textWidth(shown.apply(column, v), cellFont) + 30);
                }
            }
            column.setPrefWidth(Math.ceil(w));
        }
    }

    /** Font of the first node matching the selector inside the table, else the default font a little enlarged. */
    private static javafx.scene.text.Font fontOf(TableView<?> table, String selector) {
        for (Node n : table.lookupAll(selector)) {
            if (n instanceof Labeled l) {
                return l.getFont();
            }
        }
        javafx.scene.text.Font d = javafx.scene.text.Font.getDefault();
        return javafx.scene.text.Font.font(d.getFamily(), javafx.scene.text.FontWeight.BOLD, d.getSize() * 1.15);
    }

    private static double textWidth(String s, javafx.scene.text.Font font) {
        Text probe = new Text(s);
        probe.setFont(font);
        return probe.getLayoutBounds().getWidth();
    }

    /** A label that may be shortened with an ellipsis; its full text is in its tooltip. */
    static <T extends Labeled> T elidable(T label) {
        label.getStyleClass().add("elidable");
        label.setMinWidth(0);
        javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();
        tip.textProperty().bind(label.textProperty());
        tip.setWrapText(true);
        tip.setMaxWidth(600);
        label.setTooltip(tip);
        return label;
    }

    /** A wrapping label (for captions and messages) that grows in height instead of cutting. */
    static <T extends Labeled> T wrapping(T label) {
        label.setWrapText(true);
        label.setMinHeight(Region.USE_PREF_SIZE);
        if (label instanceof Control c) {
            c.setMaxWidth(Double.MAX_VALUE);
        }
        return label;
    }
}
