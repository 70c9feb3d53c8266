package org.kemwb.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;

/**
 * Reads what a view of discrete data puts on screen: its snapshot, split into the rows x cols cells
 * of the data it shows. A sharp view shows every cell as one flat colour; a smoothed one blends
 * neighbouring cells into gradients. Call on the FX thread.
 */
final class SharpCells {
    private SharpCells() {}

    /** The node as drawn (its own size, no parent transforms). */
    static WritableImage snapshot(Node n) {
        return n.snapshot(null, null);
    }

    /**
     * Cells whose inside (all pixels at least 2 px from the cell's edges) is not one colour,
     * each as "cell (row, col): n colours, ARGB a .. b"; empty when every cell is flat.
     */
    static List<String> unevenCells(Image shot, int rows, int cols) {
        List<String> out = new ArrayList<>();
        PixelReader px = shot.getPixelReader();
        int w = (int) shot.getWidth();
        int h = (int) shot.getHeight();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                java.util.Set<Integer> colours = new java.util.TreeSet<>();
                for (int y = (int) Math.ceil((double) r * h / rows) + 2; y < Math.floor((double) (r + 1) * h / rows) - 2; y++) {
                    for (int x = (int) Math.ceil((double) c * w / cols) + 2; x < Math.floor((double) (c + 1) * w / cols) - 2; x++) {
                        colours.add(px.getArgb(x, y));
                    }
                }
                if (colours.size() > 1) {
                    out.add("cell (" + r + ", " + c + "): " + colours.size() + " colours, ARGB " + Integer.toHexString(colours.iterator().next())
                            + " .. " + Integer.toHexString(((java.util.TreeSet<Integer>) colours).last()));
                }
            }
        }
        return out;
    }

    /** ARGB at the centre of cell (row, col). */
    static int centre(Image shot, int rows, int cols, int row, int col) {
        int x = (int) ((col + 0.5) * shot.getWidth() / cols);
        int y = (int) ((row + 0.5) * shot.getHeight() / rows);
        return shot.getPixelReader().getArgb(x, y);
    }
}
