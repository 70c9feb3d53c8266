package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Plain-Java, double-precision implementations of the interaction equations (test oracle). */
final class Reference {
    private Reference() {}

    static double[][] matrix(NDArray a) {
        long[] s = a.getShape().getShape();
        int rows = (int) s[s.length - 2];
        int cols = (int) s[s.length - 1];
        float[] f = a.toFloatArray();
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = f[r * cols + c];
            }
        }
        return m;
    }

    /** Weight of a bias-free Linear child, as stored (out x in): y = x W^T. */
    static double[][] weight(Block block, String childSuffix) {
        for (var p : block.getParameters()) {
            if (p.getKey().endsWith(childSuffix + "_weight")) {
                return matrix(p.getValue().getArray());
            }
        }
        throw new AssertionError("no parameter " + childSuffix);
    }

    static double[][] param(Block block, String suffix) {
        for (var p : block.getParameters()) {
            if (p.getKey().endsWith(suffix)) {
                Parameter param = p.getValue();
                return matrix(param.getArray());
            }
        }
        throw new AssertionError("no parameter " + suffix);
    }

    static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        int k = b.length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += a[i][q] * b[q][j];
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    static double[][] t(double[][] a) {
        double[][] r = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[j][i] = a[i][j];
            }
        }
        return r;
    }

    /** x W^T */
    static double[][] linear(double[][] x, double[][] w) {
        return mul(x, t(w));
    }

    static double[][] scale(double[][] a, double s) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = Arrays.stream(a[i]).map(v -> v * s).toArray();
        }
        return r;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] r = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[i][j] = a[i][j] + b[i][j];
            }
        }
        return r;
    }

    /** Row softmax keeping only the k largest entries of each row (k >= cols: plain softmax). */
    static double[][] topKSoftmax(double[][] s, int k) {
        double[][] r = new double[s.length][s[0].length];
        for (int i = 0; i < s.length; i++) {
            double[] row = s[i];
            int[] order = IntStream.range(0, row.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -row[j])).mapToInt(Integer::intValue).toArray();
            int keep = Math.min(k, row.length);
            double max = row[order[0]];
            double sum = 0;
            for (int q = 0; q < keep; q++) {
                sum += Math.exp(row[order[q]] - max);
            }
            for (int q = 0; q < keep; q++) {
                r[i][order[q]] = Math.exp(row[order[q]] - max) / sum;
            }
        }
        return r;
    }

    static double[][] softmax(double[][] s) {
        return topKSoftmax(s, Integer.MAX_VALUE);
    }

    /** Columns [from, to) of a. */
    static double[][] cols(double[][] a, int from, int to) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = Arrays.copyOfRange(a[i], from, to);
        }
        return r;
    }

    static double[][] hcat(double[][][] parts) {
        double[][] r = new double[parts[0].length][];
        for (int i = 0; i < r.length; i++) {
            final int row = i;
            r[i] = Arrays.stream(parts).flatMapToDouble(p -> Arrays.stream(p[row])).toArray();
        }
        return r;
    }

    /** Cross-attention of one batch item; returns {output, attention averaged over heads}. */
    static double[][][] crossAttention(double[][] x, Block block, int heads, double lambda) {
        int d = x[0].length;
        int dh = d / heads;
        double[][] q = linear(x, weight(block, "query"));
        double[][] k = linear(x, weight(block, "key"));
        double[][] v = linear(x, weight(block, "value"));
        double[][][] headOut = new double[heads][][];
        double[][] meanAtt = new double[x.length][x.length];
        for (int h = 0; h < heads; h++) {
            double[][] a = softmax(scale(mul(cols(q, h * dh, (h + 1) * dh), t(cols(k, h * dh, (h + 1) * dh))), 1 / Math.sqrt(dh)));
            headOut[h] = mul(a, cols(v, h * dh, (h + 1) * dh));
            meanAtt = add(meanAtt, scale(a, 1.0 / heads));
        }
        double[][] update = linear(hcat(headOut), weight(block, "output"));
        return new double[][][] {add(x, scale(update, lambda)), meanAtt};
    }

    /**
     * KEM (or sKEM when etf != null) of one batch item; returns {output, retrieve, write,
     * effective}, maps averaged over heads.
     */
    static double[][][] kem(double[][] x, Block block, int heads, int topK, double lambda, double[][] etf) {
        int d = x[0].length;
        int dh = d / heads;
        double[][] memory = param(block, "memory");
        double[][] qm = linear(memory, weight(block, "retrieve_query"));
        double[][] kx = linear(x, weight(block, "retrieve_key"));
        double[][] vx = linear(x, weight(block, "retrieve_value"));
        double scaleDim = dh;
        if (etf != null) {
            double[][] p = weight(block, "etf_projection");
            qm = linear(qm, p);
            kx = linear(kx, p);
            scaleDim = etf[0].length;
        }
        int n = memory.length;
        int tokens = x.length;
        double[][][] filledHeads = new double[heads][][];
        double[][][] retrieveHeads = new double[heads][][];
        for (int h = 0; h < heads; h++) {
            double[][] qh = cols(qm, h * dh, (h + 1) * dh);
            double[][] kh = cols(kx, h * dh, (h + 1) * dh);
            if (etf != null) {
                qh = mul(qh, etf);
                kh = mul(kh, etf);
            }
            retrieveHeads[h] = topKSoftmax(scale(mul(qh, t(kh)), 1 / Math.sqrt(scaleDim)), topK);
            filledHeads[h] = mul(retrieveHeads[h], cols(vx, h * dh, (h + 1) * dh));
        }
        double[][] filled = hcat(filledHeads);
        double[][] wq = linear(x, weight(block, "write_query"));
        double[][] wk = linear(filled, weight(block, "write_key"));
        double[][] wv = linear(filled, weight(block, "write_value"));
        double[][][] outHeads = new double[heads][][];
        double[][] retrieve = new double[n][tokens];
        double[][] write = new double[tokens][n];
        double[][] effective = new double[tokens][tokens];
        for (int h = 0; h < heads; h++) {
            double[][] aw = softmax(scale(mul(cols(wq, h * dh, (h + 1) * dh), t(cols(wk, h * dh, (h + 1) * dh))), 1 / Math.sqrt(dh)));
            outHeads[h] = mul(aw, cols(wv, h * dh, (h + 1) * dh));
            retrieve = add(retrieve, scale(retrieveHeads[h], 1.0 / heads));
            write = add(write, scale(aw, 1.0 / heads));
            effective = add(effective, scale(mul(aw, retrieveHeads[h]), 1.0 / heads));
        }
        return new double[][][] {add(x, scale(hcat(outHeads), lambda)), retrieve, write, effective};
    }
}
