package org.kemwb.metrics;

import java.util.Locale;

/** CSV tables of a set's segmentation results: per-class IoU and the confusion matrix. */
public final class ClassTables {
    private ClassTables() {}

    /**
     * {@code task,class,iou,tp,fp,fn}: one row per class of each given matrix (semseg first,
     * then parts; a null matrix is left out). IoU in [0, 1] under the matrix's convention (a class
     * absent from the set is 0 under PUBLISHED, an empty cell under POOLED).
     */
    public static String perClassCsv(SegmentationMetrics semseg, SegmentationMetrics parts) {
        StringBuilder sb = new StringBuilder("task,class,iou,tp,fp,fn\n");
        appendIou(sb, "semseg", semseg);
        appendIou(sb, "parts", parts);
        return sb.toString();
    }

    private static void appendIou(StringBuilder sb, String task, SegmentationMetrics m) {
        if (m == null) {
            return;
        }
        long[][] c = m.confusion();
        double[] iou = m.iou();
        for (int k = 0; k < m.classes(); k++) {
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < m.classes(); o++) {
                if (o != k) {
                    fn += c[k][o];
                    fp += c[o][k];
                }
            }
            sb.append(task).append(',').append(k).append(',')
                    .append(Double.isNaN(iou[k]) ? "" : String.format(Locale.ROOT, "%.6f", iou[k]))
                    .append(',').append(c[k][k]).append(',').append(fp).append(',').append(fn).append('\n');
        }
    }

    /**
     * {@code task,label,predicted,pixels}: every cell of each given confusion matrix (label =
     * labelled class, predicted = predicted class; pixels labelled 255 and skipped images are not
     * counted). A null matrix is left out.
     */
    public static String confusionCsv(SegmentationMetrics semseg, SegmentationMetrics parts) {
        StringBuilder sb = new StringBuilder("task,label,predicted,pixels\n");
        appendConfusion(sb, "semseg", semseg);
        appendConfusion(sb, "parts", parts);
        return sb.toString();
    }

    private static void appendConfusion(StringBuilder sb, String task, SegmentationMetrics m) {
        if (m == null) {
            return;
        }
        long[][] c = m.confusion();
        for (int a = 0; a < c.length; a++) {
            for (int b = 0; b < c.length; b++) {
                sb.append(task).append(',').append(a).append(',').append(b).append(',').append(c[a][b]).append('\n');
            }
        }
    }
}
