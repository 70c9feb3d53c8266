package org.kemwb.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NetOutput;

/**
 * Where a real model's interaction takes its information from, over a set of images (paper fig.
 * 1b in spirit). Tokens are numbered j = t L + p over the K tasks (t) and the L positions (p) of
 * the token grid; a "read" is one of the k tokens a KEM slot keeps in the retrieve step, per
 * image, head and slot (N k h reads per image; a kept token whose softmax weight underflows to 0 in
 * float32 contributes nothing and is not counted). Definitions:
 * <ul>
 *   <li>task mass [t][s]: the share of task t's update that comes from task s's tokens
 *       ({@link AttentionMaps#taskMass()}), mean and std over images;</li>
 *   <li>distinct tokens per image: how many different tokens all slots and heads read together
 *       (at most min(N k h, K L));</li>
 *   <li>position repeat: for one (head, slot), the mean over pairs of images of |S_i ∩ S_j| / k,
 *       S_i the tokens it reads on image i; averaged over heads and slots. 1 = the slot reads the
 *       same positions on every image (position-driven); a slot drawing its k tokens at random
 *       would score k / (K L) ({@link Report#chanceRepeat()});</li>
 *   <li>top positions: the tokens read most often over all images, heads and slots, with their
 *       share of all reads;</li>
 *   <li>head task share [h][s]: for kem/skem the share of head h's reads on task s's tokens; for
 *       attention without slots (ca) the mean over all query tokens of head h's attention mass on
 *       task s. A head that specialises on one task has one entry near 1 (1/K = no preference).</li>
 * </ul>
 */
public final class MemoryReadouts {
    private MemoryReadouts() {}

    /** One read position and how often it was read. */
    public record Position(int token, int task, int row, int col, int reads, double share) {}

    /**
     * @param taskMassMean K x K, mean over images
     * @param taskMassStd K x K, sample std over images
     * @param distinctMean distinct tokens read per image, mean (NaN without slots)
     * @param distinctStd the same, std over images
     * @param distinctUnion distinct tokens read on any image (0 without slots)
     * @param readsPerImage N k h (0 without slots)
     * @param positionRepeat see the class comment (NaN without slots or with one image)
     * @param chanceRepeat k / (K L), the repeat of slots that read at random
     * @param topPositions the most-read tokens, most first
     * @param headTaskShare h x K
     * @param headDistinctMean per head, the distinct tokens it reads per image (mean over images)
     * @param slotRepeat h x N, the position repeat of each (head, slot) ({@link #positionRepeat}
     *     is their mean); empty without slots, NaN with one image
     */
    public record Report(int images, int tasks, int tokensPerTask, int heads, double[][] taskMassMean,
            double[][] taskMassStd, double distinctMean, double distinctStd, int distinctUnion, int readsPerImage,
            double positionRepeat, double chanceRepeat, List<Position> topPositions, double[][] headTaskShare,
            double[] headDistinctMean, double[][] slotRepeat) {}

    /**
     * Reads images for {@link #measure}: each decoded and resized (whole, no letterbox) to the
     * model's input size, the way {@code kemwb readouts} and the Attention page both read them.
     *
     * @return planar RGB in [0, 1], (3, height, width) per image, in the order given
     * @throws java.io.IOException naming the file that cannot be read
     */
    public static List<float[]> readImages(List<java.nio.file.Path> files, ModelConfig config) throws java.io.IOException {
        List<float[]> rgb = new ArrayList<>();
        for (java.nio.file.Path p : files) {
            rgb.add(org.kemwb.io.ImageDecoder.read(p).resize(config.width(), config.height()).rgb());
        }
        return rgb;
    }

    /**
     * Runs every image through the model (one at a time, attention on) and measures.
     *
     * @param images planar RGB in [0, 1] at the model's size
     * @param top how many of the most-read positions to list
     */
    public static Report measure(LoadedModel model, List<float[]> images, int top) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to measure");
        }
        ModelConfig c = model.config();
        List<float[]> mass = new ArrayList<>();
        List<float[]> reads = new ArrayList<>();
        List<float[]> headAttention = new ArrayList<>();
        int[] shape = null;
        for (float[] rgb : images) {
            try (NDManager scope = model.manager().newSubManager()) {
                NetOutput out = model.infer(scope, scope.create(rgb, new Shape(1, 3, c.height(), c.width())), true);
                AttentionMaps maps = out.attention();
                if (maps == null) {
                    throw new IllegalArgumentException("interaction '" + c.interaction().id() + "' has no attention to read out");
                }
                mass.add(maps.taskMass().get(0).toFloatArray());
                if (maps.retrieveHeads() != null) {
                    Shape r = maps.retrieveHeads().getShape(); // (1, h, N, KL)
                    shape = new int[] {(int) r.get(1), (int) r.get(2), (int) r.get(3)};
                    reads.add(maps.retrieveHeads().get(0).toFloatArray());
                } else if (maps.headTokenAttention() != null) {
                    Shape r = maps.headTokenAttention().getShape(); // (1, h, KL, KL)
                    shape = new int[] {(int) r.get(1), (int) r.get(2), (int) r.get(3)};
                    headAttention.add(maps.headTokenAttention().get(0).toFloatArray());
                }
            }
        }
        int k = c.taskCount();
        int l = mass.isEmpty() ? 0 : c.tokens();
        return reads.isEmpty()
                ? fromArrays(k, l, mass, null, 0, 0, c.topK(), headAttention, shape == null ? 0 : shape[0], top)
                : fromArrays(k, l, mass, reads, shape[0], shape[1], c.topK(), null, 0, top);
    }

    /**
     * The measurement on plain arrays (what {@link #measure} copies out of the model).
     *
     * @param mass per image K*K row-major task mass
     * @param retrieve per image (h, N, K*L) row-major retrieve weights (> 0 = read), or null
     * @param heads h of {@code retrieve}
     * @param slots N of {@code retrieve}
     * @param topK k, the reads of one slot
     * @param headAttention per image (h, K*L, K*L) attention of every head, used when
     *     {@code retrieve} is null (may be null or empty: then no head shares)
     * @param attentionHeads h of {@code headAttention}
     */
    public static Report fromArrays(int k, int l, List<float[]> mass, List<float[]> retrieve, int heads, int slots, int topK,
            List<float[]> headAttention, int attentionHeads, int top) {
        int n = mass.size();
        int kl = k * l;
        double[][] mean = new double[k][k];
        double[][] std = new double[k][k];
        for (int t = 0; t < k; t++) {
            for (int src = 0; src < k; src++) {
                final int idx = t * k + src;
                double m = mass.stream().mapToDouble(a -> a[idx]).average().orElse(Double.NaN);
                double v = mass.stream().mapToDouble(a -> (a[idx] - m) * (a[idx] - m)).sum() / Math.max(1, n - 1);
                mean[t][src] = m;
                std[t][src] = Math.sqrt(v);
            }
        }
        double chance = kl == 0 ? Double.NaN : Math.min(1.0, (double) topK / kl);
        if (retrieve == null) {
            double[][] share = new double[attentionHeads][k];
            if (headAttention != null && !headAttention.isEmpty()) {
                for (float[] a : headAttention) {
                    for (int h = 0; h < attentionHeads; h++) {
                        for (int i = 0; i < kl; i++) {
                            for (int j = 0; j < kl; j++) {
                                share[h][j / l] += a[(h * kl + i) * kl + j] / ((double) kl * headAttention.size());
                            }
                        }
                    }
                }
            }
            return new Report(n, k, l, attentionHeads, mean, std, Double.NaN, Double.NaN, 0, 0, Double.NaN, chance, List.of(),
                    share, new double[0], new double[0][]);
        }
        int[] totalCounts = new int[kl];
        int[][] slotCounts = new int[heads * slots][kl];
        double[] distinct = new double[n];
        boolean[] union = new boolean[kl];
        int[][] headTask = new int[heads][k];
        double[] headDistinct = new double[heads];
        for (int img = 0; img < n; img++) {
            float[] w = retrieve.get(img);
            boolean[] seen = new boolean[kl];
            boolean[][] seenByHead = new boolean[heads][kl];
            for (int row = 0; row < heads * slots; row++) {
                for (int j = 0; j < kl; j++) {
                    if (w[row * kl + j] > 0) {
                        slotCounts[row][j]++;
                        totalCounts[j]++;
                        seen[j] = true;
                        union[j] = true;
                        if (!seenByHead[row / slots][j]) {
                            seenByHead[row / slots][j] = true;
                            headDistinct[row / slots] += 1.0 / n;
                        }
                        headTask[row / slots][j / l]++;
                    }
                }
            }
            for (boolean b : seen) {
                distinct[img] += b ? 1 : 0;
            }
        }
        double dMean = Arrays.stream(distinct).average().orElse(Double.NaN);
        double dStd = Math.sqrt(Arrays.stream(distinct).map(x -> (x - dMean) * (x - dMean)).sum() / Math.max(1, n - 1));
        int unionCount = 0;
        for (boolean b : union) {
            unionCount += b ? 1 : 0;
        }
        double repeat = Double.NaN;
        double[][] slotRepeat = new double[heads][slots];
        for (double[] row : slotRepeat) {
            Arrays.fill(row, Double.NaN);
        }
        if (n > 1) {
            double sum = 0;
            for (int row = 0; row < slotCounts.length; row++) {
                double same = 0;
                int readsOfSlot = 0;
                for (int cnt : slotCounts[row]) {
                    same += cnt * (cnt - 1) / 2.0;
                    readsOfSlot += cnt;
                }
                double perImage = (double) readsOfSlot / n;
                slotRepeat[row / slots][row % slots] = same / (n * (n - 1) / 2.0 * perImage);
                sum += slotRepeat[row / slots][row % slots];
            }
            repeat = sum / slotCounts.length;
        }
        long allReads = Arrays.stream(totalCounts).asLongStream().sum();
        int side = (int) Math.round(Math.sqrt(l));
        List<Position> positions = IntStream.range(0, kl).filter(j -> totalCounts[j] > 0).boxed()
                .sorted(Comparator.comparingInt((Integer j) -> -totalCounts[j]).thenComparingInt(j -> j)).limit(top)
                .map(j -> new Position(j, j / l, (j % l) / side, (j % l) % side, totalCounts[j],
                        (double) totalCounts[j] / allReads))
                .toList();
        double[][] share = new double[heads][k];
        for (int h = 0; h < heads; h++) {
            int sum = Arrays.stream(headTask[h]).sum();
            for (int t = 0; t < k; t++) {
                share[h][t] = sum == 0 ? Double.NaN : (double) headTask[h][t] / sum;
            }
        }
        return new Report(n, k, l, heads, mean, std, dMean, dStd, unionCount, (int) (allReads / n), repeat, chance, positions,
                share, headDistinct, slotRepeat);
    }

    /** The report as monospaced text; {@code taskNames} label rows and columns. */
    public static String format(Report r, List<String> taskNames) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "images %d, tasks %d, tokens per task %d, heads %d%n", r.images(), r.tasks(),
                r.tokensPerTask(), r.heads()));
        sb.append("task mass (row takes from column), mean ± std over images\n");
        sb.append(String.format(Locale.ROOT, "%-10s", ""));
        for (String t : taskNames) {
            sb.append(String.format(Locale.ROOT, " %-15s", t));
        }
        sb.append('\n');
        for (int t = 0; t < r.tasks(); t++) {
            sb.append(String.format(Locale.ROOT, "%-10s", taskNames.get(t)));
            for (int s = 0; s < r.tasks(); s++) {
                sb.append(String.format(Locale.ROOT, " %-15s",
                        String.format(Locale.ROOT, "%.3f ± %.3f", r.taskMassMean()[t][s], r.taskMassStd()[t][s])));
            }
            sb.append('\n');
        }
        if (r.readsPerImage() > 0) {
            sb.append(String.format(Locale.ROOT, "reads per image (N k h): %d%n", r.readsPerImage()));
            sb.append(String.format(Locale.ROOT, "distinct tokens read per image: %.2f ± %.2f; on any image: %d of %d%n",
                    r.distinctMean(), r.distinctStd(), r.distinctUnion(), r.tasks() * r.tokensPerTask()));
            sb.append(String.format(Locale.ROOT,
                    "position repeat (same tokens on two images, per slot): %.3f (1 = position-driven; random reads: %.3f)%n",
                    r.positionRepeat(), r.chanceRepeat()));
            for (int h = 0; h < r.heads(); h++) {
                sb.append(String.format(Locale.ROOT, "position repeat per slot, head %d:", h));
                for (double v : r.slotRepeat()[h]) {
                    sb.append(String.format(Locale.ROOT, " %.2f", v));
                }
                sb.append('\n');
            }
            sb.append("most-read tokens (task row col: share of all reads)\n");
            for (Position p : r.topPositions()) {
                sb.append(String.format(Locale.ROOT, "  %-10s %2d %2d: %.3f%n", taskNames.get(p.task()), p.row(), p.col(),
                        p.share()));
            }
            sb.append("head task share (share of the head's reads on each task), distinct tokens the head reads per image\n");
        } else {
            sb.append("head task share (mean attention mass of each head on each task)\n");
        }
        for (int h = 0; h < r.heads(); h++) {
            sb.append(String.format(Locale.ROOT, "  head %-3d", h));
            for (int t = 0; t < r.tasks(); t++) {
                sb.append(String.format(Locale.ROOT, " %s %.3f", taskNames.get(t), r.headTaskShare()[h][t]));
            }
            if (r.headDistinctMean().length > 0) {
                sb.append(String.format(Locale.ROOT, "  distinct %.2f", r.headDistinctMean()[h]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
