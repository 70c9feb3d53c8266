package org.kemwb.metrics;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * One class of a set: {@code iou} in [0, 1] under the matrix's convention (NaN for a class
     * absent from the set under POOLED); tp, fp, fn pixel counts.
     */
    public record ClassRow(int classId, double iou, long tp, long fp, long fn) {}

    /** Per-class rows of one confusion matrix, class 0 first (what {@link #perClassCsv} writes). */
    public static List<ClassRow> rows(SegmentationMetrics m) {
        long[][] c = m.confusion();
        double[] iou = m.iou();
        List<ClassRow> out = new ArrayList<>();
        for (int k = 0; k < m.classes(); k++) {
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < m.classes(); o++) {
                if (o != k) {
                    fn += c[k][o];
                    fp += c[o][k];
                }
            }
            out.add(new ClassRow(k, iou[k], c[k][k], fp, fn));
        }
        return out;
    }

    /**
     * The confusion matrix with each row (labelled class) divided by its pixels: entry [a][b] is
     * the share of class a's labelled pixels predicted as b; a class without labelled pixels has
     * a row of NaN.
     */
    public static double[][] rowNormalised(long[][] confusion) {
        double[][] out = new double[confusion.length][];
        for (int a = 0; a < confusion.length; a++) {
            long sum = 0;
            for (long v : confusion[a]) {
                sum += v;
            }
            out[a] = new double[confusion[a].length];
            for (int b = 0; b < out[a].length; b++) {
                out[a][b] = sum == 0 ? Double.NaN : (double) confusion[a][b] / sum;
            }
        }
        return out;
    }

    private static void appendIou(StringBuilder sb, String task, SegmentationMetrics m) {
        if (m == null) {
            return;
        }
        for (ClassRow r : rows(m)) {
            sb.append(task).append(',').append(r.classId()).append(',')
                    .append(Double.isNaN(r.iou()) ? "" : String.format(Locale.ROOT, "%.6f", r.iou()))
                    .append(',').append(r.tp()).append(',').append(r.fp()).append(',').append(r.fn()).append('\n');
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
