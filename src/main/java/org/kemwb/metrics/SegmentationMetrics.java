package org.kemwb.metrics;

/**
 * Confusion matrix of a per-pixel classification accumulated over a whole set (pixels labelled
 * 255 ignored), and the mIoU read from it under a {@link MetricConvention}:
 * <ul>
 * <li>{@code PUBLISHED}/{@code INVPT}: IoU_c = TP_c / max(TP_c + FP_c + FN_c, 1e-8) averaged over
 * every class of the dataset, so a class absent from the labels and the predictions of the set
 * counts 0 ({@code SemsegMeter}/{@code eval_human_parts} of Multi-Task-Learning-PyTorch).</li>
 * <li>{@code POOLED}: the mean over the classes present in the labels or predictions of the set;
 * an absent class (IoU 0/0) is left out.</li>
 * </ul>
 * Human parts ({@link #humanParts}) under {@code PUBLISHED}/{@code INVPT} skip an image whose
 * labels are one single value, 0 (background: no person) or 255, as {@code eval_human_parts}
 * does; such an image is neither scored nor counted.
 */
public final class SegmentationMetrics {
    private final int classes;
    private final long[][] confusion;
    private final MetricConvention convention;
    private final boolean skipPersonless;
    private int images;
    private int skipped;

    /** Pooled-convention matrix (used for one image's numbers and by the pooled saliency mIoU). */
    public SegmentationMetrics(int classes) {
        this(classes, MetricConvention.POOLED, false);
    }

    private SegmentationMetrics(int classes, MetricConvention convention, boolean skipPersonless) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        this.classes = classes;
        this.confusion = new long[classes][classes];
        this.convention = convention;
        this.skipPersonless = skipPersonless && convention != MetricConvention.POOLED;
    }

    /** Semantic segmentation over {@code classes} classes (every class of the dataset). */
    public static SegmentationMetrics semseg(int classes, MetricConvention convention) {
        return new SegmentationMetrics(classes, convention, false);
    }

    /** Human parts over {@code classes} classes (background + parts); skips person-less images unless POOLED. */
    public static SegmentationMetrics humanParts(int classes, MetricConvention convention) {
        return new SegmentationMetrics(classes, convention, true);
    }

    public int classes() {
        return classes;
    }

    public MetricConvention convention() {
        return convention;
    }

    /**
     * Adds one image: {@code label} and {@code prediction} are class indices per pixel, same
     * length; labels 255 are ignored.
     *
     * @throws IllegalArgumentException a label outside [0, classes) and not 255, a prediction
     *     outside [0, classes), or arrays of different length
     */
    public void add(int[] label, int[] prediction) {
        if (label.length != prediction.length) {
            throw new IllegalArgumentException("label has " + label.length + " pixels, prediction " + prediction.length);
        }
        if (skipPersonless && label.length > 0 && (label[0] == 0 || label[0] == 255) && allEqual(label)) {
            skipped++;
            return;
        }
        for (int i = 0; i < label.length; i++) {
            int l = label[i];
            if (l == 255) {
                continue;
            }
            if (l < 0 || l >= classes) {
                throw new IllegalArgumentException("label " + l + " out of range [0, " + classes + ") and not 255");
            }
            int p = prediction[i];
            if (p < 0 || p >= classes) {
                throw new IllegalArgumentException("predicted class " + p + " out of range [0, " + classes + ")");
            }
            confusion[l][p]++;
        }
        images++;
    }

    private static boolean allEqual(int[] a) {
        for (int v : a) {
            if (v != a[0]) {
                return false;
            }
        }
        return true;
    }

    /** Images scored so far. */
    public int images() {
        return images;
    }

    /** Images skipped (human parts without a person, PUBLISHED/INVPT only). */
    public int skippedImages() {
        return skipped;
    }

    /** A copy of the matrix: [label class][predicted class] = pixel count. */
    public long[][] confusion() {
        long[][] copy = new long[classes][];
        for (int c = 0; c < classes; c++) {
            copy[c] = confusion[c].clone();
        }
        return copy;
    }

    /**
     * IoU per class under the convention: a class absent from labels and predictions is 0
     * (PUBLISHED/INVPT) or NaN (POOLED, left out of the mean).
     */
    public double[] iou() {
        double[] iou = new double[classes];
        for (int c = 0; c < classes; c++) {
            long tp = confusion[c][c];
            long fn = 0;
            long fp = 0;
            for (int o = 0; o < classes; o++) {
                if (o != c) {
                    fn += confusion[c][o];
                    fp += confusion[o][c];
                }
            }
            long union = tp + fn + fp;
            if (union == 0) {
                iou[c] = convention == MetricConvention.POOLED ? Double.NaN : 0;
            } else {
                iou[c] = (double) tp / union;
            }
        }
        return iou;
    }

    /** Mean IoU in [0, 1]; NaN when nothing was scored. */
    public double meanIou() {
        if (images == 0) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (double v : iou()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Fraction of scored pixels whose predicted class is the label; NaN when none. */
    public double pixelAccuracy() {
        long correct = 0;
        long total = 0;
        for (int a = 0; a < classes; a++) {
            for (int b = 0; b < classes; b++) {
                total += confusion[a][b];
                if (a == b) {
                    correct += confusion[a][b];
                }
            }
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
