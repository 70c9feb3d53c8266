package org.kemwb.metrics;

import java.util.Locale;

/**
 * How a metric is computed over a set of images. The README's metric table lists every metric
 * under each convention.
 * <ul>
 * <li>{@link #PUBLISHED} (default): the conventions of the evaluation code of the
 * Multi-Task-Learning-PyTorch code base (Vandenhende et al., TPAMI 2021), with which published
 * NYUD-v2 / PASCAL-Context multi-task tables are computed: mIoU over every class of the dataset
 * (a class absent from labels and predictions counts 0), human-parts images without a person
 * skipped, depth predictions clamped to 1e-9, saliency scored per image over 15 thresholds
 * 0.2..0.9 with maxF (β² = 1) from the mean precision and mean recall, edges by the SEISM/BSDS
 * boundary benchmark (ODS, OIS, AP).</li>
 * <li>{@link #POOLED}: what the workbench computed before conventions were named: mIoU over the
 * classes present in the set, depth predictions scored raw, saliency maxF (β² = 0.3) over
 * thresholds 0.00..0.99 with counts pooled over the set and saliency mIoU as the two-class mIoU
 * at 0.5. Edges are scored as under {@code PUBLISHED}.</li>
 * <li>{@link #INVPT}: {@code PUBLISHED} except saliency maxF, computed as the InvPT code base
 * (prismformore/Multi-Task-Transformer, {@code InvPT/evaluation/eval_sal.py}) does: counts
 * pooled over the set, β² = 0.3, thresholds t = 0.05, 0.10, ..., 0.95 (19 steps) applied as
 * {@code sigmoid(p) >= t} to the saliency probability p (that code applies a sigmoid to a map
 * that is already a probability, so only t = 0.55, 0.60, 0.65, 0.70 split the pixels, i.e.
 * p >= 0.2007, 0.4055, 0.6190, 0.8473), labels 255 ignored, an undefined F counting 0.</li>
 * </ul>
 */
public enum MetricConvention {
    PUBLISHED("published"),
    POOLED("pooled"),
    INVPT("invpt");

    private final String id;

    MetricConvention(String id) {
        this.id = id;
    }

    /** Lower-case name used in metrics.csv ({@code convention} column) and the CLI. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /** The convention named {@code name} (case-insensitive); a one-line error listing the names otherwise. */
    public static MetricConvention parse(String name) {
        for (MetricConvention c : values()) {
            if (c.id.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown metric convention '" + name + "' (allowed: published, pooled, invpt)");
    }
}
