package org.kemwb.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Boundary benchmark of edge maps over a set: ODS F, OIS F and AP, as the BSDS benchmark
 * (Martin et al., PAMI 2004; Arbeláez et al., PAMI 2011) and SEISM (Pont-Tuset and Marques,
 * CVPR 2013), which Multi-Task-Learning-PyTorch runs on its edge maps, compute them; the same
 * under every {@link MetricConvention}.
 *
 * <p>For each image and each threshold t_k = k/100, k = 1..99: the prediction p >= t_k (compared
 * in float32) is thinned to one-pixel lines ({@link #thin}, MATLAB's {@code bwmorph(., 'thin',
 * Inf)}), and so is the ground-truth boundary map (label 1). Predicted and ground-truth boundary
 * pixels are matched one-to-one, a pair only when their Euclidean distance is at most
 * {@value #MAX_DIST} of the image diagonal. The matching is a maximum-cardinality bipartite
 * matching (Hopcroft-Karp, {@link #matchCount}); BSDS's {@code correspondPixels} instead solves a
 * min-cost assignment (Goldberg's CSA) in which leaving a pixel unmatched costs 100 × the maximum
 * distance, so it also maximises the number of matched pairs (unless an augmenting path longer
 * than about 200 pixels exists) and among those prefers short distances; only the counts enter
 * the scores, and the counts agree. Per image and threshold this gives cntR = matched ground-truth
 * pixels, sumR = ground-truth pixels, cntP = matched predicted pixels (= cntR), sumP = predicted
 * pixels.
 *
 * <p>ODS: counts summed over images per threshold, P = cntP/sumP, R = cntR/sumR, F = 2PR/(P+R),
 * best threshold. OIS: each image's best threshold by its own F, counts summed over images at
 * those thresholds. AP: the precision-recall curve of the ODS points, linearly interpolated at
 * the 101 recalls 0, 0.01, ..., 1, summed × 0.01 (recalls outside the curve's range count 0; of
 * equal recalls the lowest threshold's point; fewer than two distinct recalls give 0; a perfect
 * curve gives 1.01, as in BSDS and SEISM). Degenerate counts follow SEISM: no
 * ground-truth pixel gives R = 1, P = 0; no predicted pixel gives R = 0, P = 1. Labels 255 (no
 * label) are neither ground truth nor scored in the prediction; an image without a labelled pixel
 * is skipped. Predictions are used as floats (SEISM reads 8-bit PNGs, a rounding of at most 1/255).
 */
public final class EdgeMetrics {
    /** Matching tolerance as a fraction of the image diagonal. */
    public static final double MAX_DIST = 0.0075;
    /** Number of thresholds t_k = k / (THRESHOLDS + 1). */
    public static final int THRESHOLDS = 99;

    /** Counts of one image: [threshold][cntR, sumR, cntP, sumP]. */
    private final List<long[][]> images = new ArrayList<>();

    /** Thresholds t_k = k/100, k = 1..99, as float32. */
    public static float[] thresholds() {
        float[] t = new float[THRESHOLDS];
        for (int k = 1; k <= THRESHOLDS; k++) {
            t[k - 1] = (float) (k / (double) (THRESHOLDS + 1));
        }
        return t;
    }

    /**
     * Adds one image, row-major {@code height × width}: {@code label} 0 (no boundary), 1
     * (boundary), 255 (no label); {@code probability} in [0, 1].
     *
     * @throws IllegalArgumentException arrays not of length width × height
     */
    public void add(byte[] label, float[] probability, int width, int height) {
        int n = width * height;
        if (label.length != n || probability.length != n) {
            throw new IllegalArgumentException("edges: label has " + label.length + " pixels and prediction "
                    + probability.length + ", expected " + width + " x " + height);
        }
        boolean[] gt = new boolean[n];
        boolean[] valid = new boolean[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            int y = label[i] & 0xff;
            valid[i] = y != 255;
            gt[i] = y == 1;
            any |= valid[i];
        }
        if (!any) {
            return;
        }
        thin(gt, width, height);
        float[] t = thresholds();
        long[][] counts = new long[THRESHOLDS][];
        for (int k = 0; k < THRESHOLDS; k++) {
            boolean[] e = new boolean[n];
            for (int i = 0; i < n; i++) {
                e[i] = valid[i] && probability[i] >= t[k];
            }
            thin(e, width, height);
            counts[k] = counts(e, gt, width, height);
        }
        images.add(counts);
    }

    /** {cntR, sumR, cntP, sumP} of one thresholded, thinned prediction against a thinned ground truth. */
    static long[] counts(boolean[] e, boolean[] gt, int width, int height) {
        long sumP = 0;
        long sumR = 0;
        for (int i = 0; i < e.length; i++) {
            sumP += e[i] ? 1 : 0;
            sumR += gt[i] ? 1 : 0;
        }
        long matched = sumP == 0 || sumR == 0 ? 0 : matchCount(e, gt, width, height, maxDistPixels(width, height));
        return new long[] {matched, sumR, matched, sumP};
    }

    /** The matching tolerance in pixels: {@value #MAX_DIST} × sqrt(width² + height²). */
    public static double maxDistPixels(int width, int height) {
        return MAX_DIST * Math.sqrt((double) width * width + (double) height * height);
    }

    /** Images scored so far. */
    public int images() {
        return images.size();
    }

    /** Counts of the i-th scored image: [threshold k][cntR, sumR, cntP, sumP] (a copy). */
    long[][] imageCounts(int i) {
        long[][] c = images.get(i);
        long[][] copy = new long[c.length][];
        for (int k = 0; k < c.length; k++) {
            copy[k] = c[k].clone();
        }
        return copy;
    }

    /**
     * Size of a maximum one-to-one matching between the set pixels of {@code a} and of {@code b}
     * (row-major, width × height), a pair allowed when their Euclidean distance is <= maxDist
     * pixels. Hopcroft-Karp: O(E √V).
     */
    public static int matchCount(boolean[] a, boolean[] b, int width, int height, double maxDist) {
        int[] bIndex = new int[b.length];
        Arrays.fill(bIndex, -1);
        int nb = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i]) {
                bIndex[i] = nb++;
            }
        }
        int r = (int) Math.floor(maxDist);
        List<int[]> offsets = new ArrayList<>();
        for (int dy = -r; dy <= r; dy++) {
            for (int dx = -r; dx <= r; dx++) {
                if (dx * dx + dy * dy <= maxDist * maxDist) {
                    offsets.add(new int[] {dx, dy});
                }
            }
        }
        // adjacency of each set pixel of a (CSR)
        int na = 0;
        for (boolean v : a) {
            na += v ? 1 : 0;
        }
        int[] start = new int[na + 1];
        int[] adj = new int[Math.max(1, na * offsets.size())];
        int u = 0;
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            if (!a[i]) {
                continue;
            }
            int x = i % width;
            int y = i / width;
            start[u] = m;
            for (int[] o : offsets) {
                int xx = x + o[0];
                int yy = y + o[1];
                if (xx >= 0 && xx < width && yy >= 0 && yy < height && bIndex[yy * width + xx] >= 0) {
                    adj[m++] = bIndex[yy * width + xx];
                }
            }
            u++;
        }
        start[na] = m;
        return hopcroftKarp(na, nb, start, adj);
    }

    private static int hopcroftKarp(int na, int nb, int[] start, int[] adj) {
        int[] matchA = new int[na];
        int[] matchB = new int[nb];
        Arrays.fill(matchA, -1);
        Arrays.fill(matchB, -1);
        int[] dist = new int[na];
        int[] it = new int[na];
        int[] stack = new int[na + 1];
        int matching = 0;
        final int inf = Integer.MAX_VALUE;
        while (true) {
            // BFS from free left vertices: layers of alternating paths
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int v = 0; v < na; v++) {
                if (matchA[v] < 0) {
                    dist[v] = 0;
                    queue.add(v);
                } else {
                    dist[v] = inf;
                }
            }
            boolean found = false;
            while (!queue.isEmpty()) {
                int v = queue.poll();
                for (int e = start[v]; e < start[v + 1]; e++) {
                    int w = matchB[adj[e]];
                    if (w < 0) {
                        found = true;
                    } else if (dist[w] == inf) {
                        dist[w] = dist[v] + 1;
                        queue.add(w);
                    }
                }
            }
            if (!found) {
                return matching;
            }
            // DFS along the layers (iterative, so long paths cannot overflow the stack)
            for (int v = 0; v < na; v++) {
                it[v] = start[v];
            }
            for (int v = 0; v < na; v++) {
                if (matchA[v] < 0 && augment(v, start, adj, matchA, matchB, dist, it, stack)) {
                    matching++;
                }
            }
        }
    }

    private static boolean augment(int root, int[] start, int[] adj, int[] matchA, int[] matchB, int[] dist, int[] it,
            int[] stack) {
        int depth = 0;
        stack[0] = root;
        while (depth >= 0) {
            int v = stack[depth];
            boolean advanced = false;
            while (it[v] < start[v + 1]) {
                int b = adj[it[v]];
                int w = matchB[b];
                if (w < 0) {
                    // free right vertex: flip the path root .. v, b
                    for (int d = depth; d >= 0; d--) {
                        int a = stack[d];
                        int nb = adj[it[a]];
                        matchA[a] = nb;
                        matchB[nb] = a;
                    }
                    return true;
                }
                if (dist[w] == dist[v] + 1) {
                    stack[++depth] = w;
                    advanced = true;
                    break;
                }
                it[v]++;
            }
            if (!advanced) {
                dist[v] = Integer.MAX_VALUE; // dead end: never visit again in this phase
                depth--;
                if (depth >= 0) {
                    it[stack[depth]]++;
                }
            }
        }
        return false;
    }

    // ---- thinning -----------------------------------------------------------------------------

    private static final boolean[][] THIN_LUT = {thinLut(true), thinLut(false)};

    /**
     * Thins set pixels to one-pixel-wide lines in place, MATLAB's {@code bwmorph(bw, 'thin', Inf)}:
     * the algorithm of Lam, Lee and Suen (PAMI 1992, p. 879), two sub-iterations repeated until
     * nothing changes; pixels outside the image count as unset.
     */
    public static void thin(boolean[] img, int width, int height) {
        // padded copy (a border of unset pixels); only set pixels with an unset 4-neighbour can be
        // deleted (G1 needs an unset x1, x3, x5 or x7), so only those are visited: the list grows
        // as deletions uncover pixels and a pixel, once on it, stays there until deleted
        int pw = width + 2;
        boolean[] p = new boolean[pw * (height + 2)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                p[(y + 1) * pw + x + 1] = img[y * width + x];
            }
        }
        int[] four = {1, -pw, -1, pw};
        boolean[] listed = new boolean[p.length];
        int[] border = new int[img.length];
        int n = 0;
        for (int q = pw; q < p.length - pw; q++) {
            if (p[q] && (!p[q + 1] || !p[q - 1] || !p[q + pw] || !p[q - pw])) {
                listed[q] = true;
                border[n++] = q;
            }
        }
        // offsets of x1..x8: east, then counter-clockwise
        int[] off = {1, 1 - pw, -pw, -pw - 1, -1, pw - 1, pw, pw + 1};
        int[] remove = new int[img.length];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (boolean[] lut : THIN_LUT) {
                int r = 0;
                for (int i = 0; i < n; i++) {
                    int q = border[i];
                    int code = 0;
                    for (int b = 0; b < 8; b++) {
                        if (p[q + off[b]]) {
                            code |= 1 << b;
                        }
                    }
                    if (lut[code]) {
                        remove[r++] = q;
                    }
                }
                if (r == 0) {
                    continue;
                }
                changed = true;
                for (int i = 0; i < r; i++) {
                    p[remove[i]] = false;
                }
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (p[border[i]]) {
                        border[m++] = border[i];
                    }
                }
                for (int i = 0; i < r; i++) {
                    for (int d : four) {
                        int q = remove[i] + d;
                        if (p[q] && !listed[q]) {
                            listed[q] = true;
                            border[m++] = q;
                        }
                    }
                }
                n = m;
            }
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img[y * width + x] = p[(y + 1) * pw + x + 1];
            }
        }
    }

    /** Deletion table of one sub-iteration: conditions G1, G2 and G3 (first) or G3' (second). */
    private static boolean[] thinLut(boolean first) {
        boolean[] lut = new boolean[256];
        for (int code = 0; code < 256; code++) {
            boolean[] x = new boolean[10]; // x[1..8], x[9] = x[1]
            for (int i = 1; i <= 8; i++) {
                x[i] = (code >> (i - 1) & 1) == 1;
            }
            x[9] = x[1];
            int crossings = 0;
            for (int i = 1; i <= 4; i++) {
                if (!x[2 * i - 1] && (x[2 * i] || x[2 * i + 1])) {
                    crossings++;
                }
            }
            int n1 = 0;
            int n2 = 0;
            for (int k = 1; k <= 4; k++) {
                n1 += x[2 * k - 1] || x[2 * k] ? 1 : 0;
                n2 += x[2 * k] || x[2 * k + 1] ? 1 : 0;
            }
            int min = Math.min(n1, n2);
            boolean g3 = first ? !((x[2] || x[3] || !x[8]) && x[1]) : !((x[6] || x[7] || !x[4]) && x[5]);
            lut[code] = crossings == 1 && min >= 2 && min <= 3 && g3;
        }
        return lut;
    }

    // ---- scores -------------------------------------------------------------------------------

    /** Precision and recall of summed counts, SEISM's rules for the degenerate cases (ODS/AP points). */
    private static double[] pooledPr(long cntR, long sumR, long cntP, long sumP) {
        double rec = 0;
        double prec = 0;
        if (sumR == 0 && cntP == 0) {
            rec = 1;
            prec = 0;
        }
        if (sumP == 0 && cntR == 0) {
            rec = 0;
            prec = 1;
        }
        if (sumP != 0 && cntR != 0) {
            rec = (double) cntR / sumR;
            prec = (double) cntP / sumP;
        }
        return new double[] {prec, rec};
    }

    /** Precision and recall of one image or of the OIS sums (SEISM's eval_cont / general_ois). */
    private static double[] imagePr(long cntR, long sumR, long cntP, long sumP) {
        if (sumR == 0) {
            return new double[] {0, 1};
        }
        if (sumP == 0) {
            return new double[] {1, 0};
        }
        return new double[] {(double) cntP / sumP, (double) cntR / sumR};
    }

    private static double f(double[] pr) {
        return pr[0] + pr[1] == 0 ? 0 : 2 * pr[0] * pr[1] / (pr[0] + pr[1]);
    }

    private long[] summed(int k) {
        long[] s = new long[4];
        for (long[][] img : images) {
            for (int j = 0; j < 4; j++) {
                s[j] += img[k][j];
            }
        }
        return s;
    }

    /** (precision, recall) of the summed counts at every threshold: the ODS curve. */
    public double[][] curve() {
        double[][] pr = new double[THRESHOLDS][];
        for (int k = 0; k < THRESHOLDS; k++) {
            long[] s = summed(k);
            pr[k] = pooledPr(s[0], s[1], s[2], s[3]);
        }
        return pr;
    }

    /** ODS F in [0, 1] (best fixed threshold for the set); NaN when nothing was scored. */
    public double odsF() {
        if (images.isEmpty()) {
            return Double.NaN;
        }
        double best = 0;
        for (double[] pr : curve()) {
            best = Math.max(best, f(pr));
        }
        return best;
    }

    /** Index k (threshold (k+1)/100) of the ODS; -1 when nothing was scored. */
    public int odsThresholdIndex() {
        if (images.isEmpty()) {
            return -1;
        }
        double[][] c = curve();
        int best = 0;
        for (int k = 1; k < THRESHOLDS; k++) {
            if (f(c[k]) > f(c[best])) {
                best = k;
            }
        }
        return best;
    }

    /** OIS F in [0, 1] (best threshold per image); NaN when nothing was scored. */
    public double oisF() {
        if (images.isEmpty()) {
            return Double.NaN;
        }
        long[] s = new long[4];
        for (long[][] img : images) {
            int best = 0;
            double bestF = f(imagePr(img[0][0], img[0][1], img[0][2], img[0][3]));
            for (int k = 1; k < THRESHOLDS; k++) {
                double fk = f(imagePr(img[k][0], img[k][1], img[k][2], img[k][3]));
                if (fk > bestF) {
                    bestF = fk;
                    best = k;
                }
            }
            for (int j = 0; j < 4; j++) {
                s[j] += img[best][j];
            }
        }
        return f(imagePr(s[0], s[1], s[2], s[3]));
    }

    /** Average precision in [0, 1]; NaN when nothing was scored. */
    public double ap() {
        if (images.isEmpty()) {
            return Double.NaN;
        }
        double[][] c = curve();
        // distinct recalls, each with the precision of its lowest threshold, in increasing recall
        java.util.TreeMap<Double, Double> points = new java.util.TreeMap<>();
        for (double[] pr : c) {
            points.putIfAbsent(pr[1], pr[0]);
        }
        if (points.size() < 2) {
            return 0;
        }
        double[] rec = points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] prec = points.values().stream().mapToDouble(Double::doubleValue).toArray();
        double sum = 0;
        for (int q = 0; q <= 100; q++) {
            double r = q / 100.0;
            if (r < rec[0] || r > rec[rec.length - 1]) {
                continue;
            }
            int j = Arrays.binarySearch(rec, r);
            if (j >= 0) {
                sum += prec[j];
            } else {
                int hi = -j - 1;
                int lo = hi - 1;
                sum += prec[lo] + (prec[hi] - prec[lo]) * (r - rec[lo]) / (rec[hi] - rec[lo]);
            }
        }
        return sum / 100;
    }
}
