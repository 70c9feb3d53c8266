package org.kemwb.metrics;

/**
 * Confusion matrix accumulated over a whole set (pixels labelled 255 ignored). mIoU averages
 * IoU over the classes that occur in the labels or the predictions of the set; a class absent
 * from both has an undefined IoU (0/0) and is left out of the mean rather than counted as 0 or 1.
 */
public final class SegmentationMetrics {
    private final int classes;
    private final long[][] confusion;

    public SegmentationMetrics(int classes) {
        this.classes = classes;
        this.confusion = new long[classes][classes];
    }

    public void add(int[] label, int[] prediction) {
        for (int i = 0; i < label.length; i++) {
            int l = label[i];
            if (l == 255) {
                continue;
            }
            if (l < 0 || l >= classes) {
                throw new IllegalArgumentException("label " + l + " out of range [0, " + classes + ") and not 255");
            }
            confusion[l][prediction[i]]++;
        }
    }

    /** IoU per class, NaN for classes absent from labels and predictions. */
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
            iou[c] = union == 0 ? Double.NaN : (double) tp / union;
        }
        return iou;
    }

    public double meanIou() {
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
