package org.kemwb.infer;

import java.util.List;
import org.kemwb.card.ModelCard;

/**
 * Plain-Java result of a card model on one photo: every task at the photo's size and every
 * attention output read through its token layouts (nothing native; safe to hand to the UI).
 *
 * @param width photo width in pixels
 * @param height photo height in pixels
 * @param tasks per card task, in card order
 * @param attention per card attention output, in card order
 * @param letterbox where the photo sat in the model input (maps photo pixels to tokens)
 * @param forwardMs TorchScript forward time
 */
public record CardPrediction(ModelCard card, int width, int height, List<TaskMap> tasks, List<AttentionMap> attention,
        Letterbox letterbox, double forwardMs) {

    /**
     * One task at the photo's size.
     *
     * @param values planar (C, height, width): segmentation logits resampled; depth in metres;
     *     normals as output; edges/saliency as probabilities (sigmoid of logits when the card says logits)
     * @param classMap segmentation only: argmax of the resampled logits, height x width; else null
     * @param outputShape the raw output's shape (1, C, h, w) before resampling
     */
    public record TaskMap(ModelCard.TaskSpec spec, int channels, float[] values, int[] classMap, long[] outputShape) {}

    /**
     * One attention output, read through its card entry's token layouts (grids resolved for the
     * input the model ran at).
     *
     * @param spec the card entry, every patch group's grid computed for this input
     * @param heads heads in the output (1 when the card says averaged)
     * @param weights rows x columns row-major (heads averaged when the card keeps them)
     * @param perHead heads x rows x columns row-major when the output has more than one head, else null
     */
    public record AttentionMap(ModelCard.AttentionSpec spec, int heads, int rows, int columns, float[] weights, float[] perHead) {
        /** An output with one head, or whose heads were averaged before. */
        public AttentionMap(ModelCard.AttentionSpec spec, int heads, int rows, int columns, float[] weights) {
            this(spec, heads, rows, columns, weights, null);
        }

        /** Attention of row token {@code row} over the tokens of column group {@code group}, heads averaged: gh x gw row-major. */
        public float[] grid(int row, int group) {
            return grid(row, group, -1);
        }

        /**
         * Attention of row token {@code row} over the tokens of column group {@code group} in one
         * head ({@code head} in [0, heads)), or averaged over heads ({@code head} < 0): gh x gw
         * row-major; the prefix tokens' share is left out.
         */
        public float[] grid(int row, int group, int head) {
            ModelCard.TokenGroup g = spec.columns().groups().get(group);
            float[] out = new float[g.height() * g.width()];
            float[] src = head < 0 || perHead == null ? weights : perHead;
            if (head >= heads) {
                throw new IndexOutOfBoundsException("head " + head + " of " + heads);
            }
            long base = (head < 0 || perHead == null ? 0L : (long) head * rows * columns) + (long) row * columns;
            System.arraycopy(src, Math.toIntExact(base + spec.columns().start(group)), out, 0, out.length);
            return out;
        }

        /** Weight row token {@code row} gives the prefix (class, register) tokens of the columns, in one head or averaged (head < 0). */
        public float prefixMass(int row, int head) {
            float[] src = head < 0 || perHead == null ? weights : perHead;
            long base = (head < 0 || perHead == null ? 0L : (long) head * rows * columns) + (long) row * columns;
            float sum = 0;
            for (int c = 0; c < spec.columns().prefix(); c++) {
                sum += src[Math.toIntExact(base + c)];
            }
            return sum;
        }

        /** Row of the token of row group {@code group} at cell (gy, gx). */
        public int row(int group, int gy, int gx) {
            return spec.rows().index(group, gy, gx);
        }
    }

    public TaskMap task(String name) {
        for (TaskMap t : tasks) {
            if (t.spec().name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task '" + name + "' in the card");
    }

    /** The row token of row group {@code group} of attention {@code a} under photo pixel (px, py). */
    public int rowAt(AttentionMap a, int group, int px, int py) {
        int[] cell = cellAt(px, py, a.spec().rows().groups().get(group));
        return a.row(group, cell[0], cell[1]);
    }

    /** {@link #heatmapOnPhoto(float[], ModelCard.TokenGroup)} of a fixed gh x gw grid covering the whole model input. */
    public float[] heatmapOnPhoto(float[] grid, int gh, int gw) {
        return heatmapOnPhoto(grid, new ModelCard.TokenGroup(null, gh, gw));
    }

    /**
     * A token heatmap of group {@code g} (gh x gw row-major) drawn at the photo's size: each photo
     * pixel takes the value of the token cell under it ({@link #cellAt}). height x width row-major.
     */
    public float[] heatmapOnPhoto(float[] grid, ModelCard.TokenGroup g) {
        // the letterbox maps x and y apart: one cell row per photo row, one cell column per photo column
        double[] span = cellSpan(g);
        int[] rowOf = new int[height];
        int[] colOf = new int[width];
        for (int py = 0; py < height; py++) {
            rowOf[py] = cellIndex(letterbox.toModelY(py + 0.5), span[0], g.height());
        }
        for (int px = 0; px < width; px++) {
            colOf[px] = cellIndex(letterbox.toModelX(px + 0.5), span[1], g.width());
        }
        float[] out = new float[width * height];
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                out[py * width + px] = grid[rowOf[py] * g.width() + colOf[px]];
            }
        }
        return out;
    }

    /**
     * The cell {row, column} of token group {@code g} under the centre of photo pixel (px, py).
     * A fixed grid covers the whole model input (padding included), cell = floor(i * g / size). A
     * patch-P group's token (r, c) sees model pixels [rP, (r+1)P) x [cP, (c+1)P), as a stride-P
     * patch convolution does: gh = floor(H / P), so the last H mod P rows and W mod P columns are
     * seen by no token; pixels there take the nearest token (the last row or column).
     */
    public int[] cellAt(int px, int py, ModelCard.TokenGroup g) {
        double[] span = cellSpan(g);
        return new int[] {cellIndex(letterbox.toModelY(py + 0.5), span[0], g.height()),
            cellIndex(letterbox.toModelX(px + 0.5), span[1], g.width())};
    }

    /** The cell of a model coordinate along one axis: floor(coordinate / span), clamped to [0, cells). */
    private static int cellIndex(double modelCoordinate, double span, int cells) {
        return Math.clamp((int) Math.floor(modelCoordinate / span), 0, cells - 1);
    }

    /**
     * The model-input region of cell (row, col) of group {@code g}: {x0, y0, x1, y1} in model
     * pixels (see {@link #cellAt} for fixed grids and patch groups).
     */
    public double[] cellBox(ModelCard.TokenGroup g, int row, int col) {
        double[] span = cellSpan(g);
        return new double[] {col * span[1], row * span[0], (col + 1) * span[1], (row + 1) * span[0]};
    }

    /** {cell height, cell width} in model pixels. */
    private double[] cellSpan(ModelCard.TokenGroup g) {
        return g.patch() > 0 ? new double[] {g.patch(), g.patch()}
                : new double[] {(double) letterbox.modelHeight() / g.height(), (double) letterbox.modelWidth() / g.width()};
    }
}
