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
 * @param fit where the photo sat in the model input (maps photo pixels to tokens)
 * @param forwardMs TorchScript forward time
 */
public record CardPrediction(ModelCard card, int width, int height, List<TaskMap> tasks, List<AttentionMap> attention,
        PhotoFit fit, double forwardMs) {

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
     * One attention output, heads averaged.
     *
     * @param weights rows x columns row-major (heads averaged when the card keeps them)
     * @param heads heads in the output (1 when the card says averaged)
     */
    public record AttentionMap(ModelCard.AttentionSpec spec, int heads, int rows, int columns, float[] weights) {
        /** Attention of row token {@code row} over the tokens of column group {@code group}: gh x gw row-major. */
        public float[] grid(int row, int group) {
            ModelCard.TokenGroup g = spec.columns().groups().get(group);
            float[] out = new float[g.height() * g.width()];
            System.arraycopy(weights, row * columns + spec.columns().start(group), out, 0, out.length);
            return out;
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
        ModelCard.TokenGroup g = a.spec().rows().groups().get(group);
        int[] cell = fit.cellAt(px, py, g.height(), g.width());
        return a.row(group, cell[0], cell[1]);
    }

    /**
     * A gh x gw token heatmap drawn at the photo's size: each photo pixel takes the value of the
     * token cell under it (cells cover the model input, padding included). height x width row-major.
     */
    public float[] heatmapOnPhoto(float[] grid, int gh, int gw) {
        float[] out = new float[width * height];
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                int[] cell = fit.cellAt(px, py, gh, gw);
                out[py * width + px] = grid[cell[0] * gw + cell[1]];
            }
        }
        return out;
    }
}
