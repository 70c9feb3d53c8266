package org.kemwb.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Procedural Sort-of-CLEVR (Santoro et al. 2017, as in the public generator): every image shows
 * six objects, one of each colour, each a square or a circle, on a white background. Unlike the
 * original, objects sit at the centres of an 8-pixel grid (see {@link #CELL}) and scenes where
 * two objects are equally far from a third are redrawn, so closest/furthest are well defined. Questions
 * name an object by colour and ask either about it alone (non-relational: its shape, is it on
 * the left, is it at the top) or about its relation to the others (relational: shape of the
 * closest object, shape of the furthest object, how many objects share its shape).
 *
 * <p>The long-tailed variant draws the features the model sees from a power law: object shapes
 * with P(shape r) proportional to r^-exponent and the queried colour with P(colour r)
 * proportional to r^-exponent (r = 1, 2, ...; exponent 2 in the paper). Every image still holds
 * all six colours so that every question has exactly one answer. The balanced variant draws
 * both uniformly. Scene i of a set is a pure function of (seed, i, distribution).
 */
public final class SortOfClevr {
    /** Object colours, in power-law rank order (the first is the most frequent when long-tailed). */
    public static final String[] COLOURS = {"red", "green", "blue", "orange", "grey", "yellow"};
    static final int[][] RGB = {{255, 0, 0}, {0, 200, 0}, {0, 0, 255}, {255, 150, 0}, {128, 128, 128}, {230, 230, 0}};
    /** Shapes, in power-law rank order. */
    public static final String[] SHAPES = {"square", "circle"};
    /** The answer vocabulary of the original dataset. */
    public static final String[] ANSWERS = {"yes", "no", "square", "circle", "1", "2", "3", "4", "5", "6"};
    public static final int YES = 0;
    public static final int NO = 1;
    public static final int SQUARE = 2;
    public static final int COUNT_ONE = 4;
    /** Question encoding: colour one-hot (6), family one-hot (2), subtype one-hot (3). */
    public static final int QUESTION_DIM = COLOURS.length + 2 + 3;
    public static final int OBJECTS = COLOURS.length;

    /** Non-relational (family 0) and relational (family 1) question subtypes. */
    public static final String[][] SUBTYPES = {{"shape", "left?", "top?"}, {"closest shape", "furthest shape", "count same shape"}};

    public enum Distribution {
        BALANCED, LONG_TAILED;

        public String id() {
            return this == BALANCED ? "balanced" : "long-tailed";
        }
    }

    /** One object: colour index, shape index (0 square, 1 circle), centre in pixels. */
    public record SceneObject(int colour, int shape, int x, int y) {}

    /** A question about the object of colour {@code colour}; family 0 non-relational, 1 relational. */
    public record Question(int colour, int family, int subtype) {
        public float[] encode() {
            float[] q = new float[QUESTION_DIM];
            q[colour] = 1;
            q[OBJECTS + family] = 1;
            q[OBJECTS + 2 + subtype] = 1;
            return q;
        }

        @Override
        public String toString() {
            return COLOURS[colour] + ": " + SUBTYPES[family][subtype];
        }
    }

    public record Scene(List<SceneObject> objects, int size) {
        /** The object of a colour (every scene has each colour exactly once). */
        public SceneObject ofColour(int colour) {
            return objects.stream().filter(o -> o.colour() == colour).findFirst().orElseThrow();
        }

        /** The answer index into {@link #ANSWERS}, from the object list. */
        public int answer(Question q) {
            SceneObject o = ofColour(q.colour());
            if (q.family() == 0) {
                return switch (q.subtype()) {
                    case 0 -> SQUARE + o.shape();
                    case 1 -> o.x() < size / 2 ? YES : NO;
                    default -> o.y() < size / 2 ? YES : NO;
                };
            }
            if (q.subtype() == 2) {
                long same = objects.stream().filter(p -> p.shape() == o.shape()).count();
                return COUNT_ONE + (int) same - 1;
            }
            SceneObject best = null;
            long bestDist = q.subtype() == 0 ? Long.MAX_VALUE : -1;
            for (SceneObject p : objects) {
                if (p == o) {
                    continue;
                }
                long d = (long) (p.x() - o.x()) * (p.x() - o.x()) + (long) (p.y() - o.y()) * (p.y() - o.y());
                if (q.subtype() == 0 ? d < bestDist : d > bestDist) {
                    bestDist = d;
                    best = p;
                }
            }
            return SQUARE + best.shape();
        }

        /** No object has two others at the same distance (so closest/furthest are unambiguous). */
        boolean distancesUnique() {
            for (SceneObject o : objects) {
                java.util.Set<Long> seen = new java.util.HashSet<>();
                for (SceneObject p : objects) {
                    if (p != o && !seen.add((long) (p.x() - o.x()) * (p.x() - o.x()) + (long) (p.y() - o.y()) * (p.y() - o.y()))) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** RGB image, row-major (H, W, 3), values 0..255. */
        public byte[] render() {
            byte[] rgb = new byte[size * size * 3];
            java.util.Arrays.fill(rgb, (byte) 255);
            for (SceneObject o : objects) {
                int[] c = RGB[o.colour()];
                for (int y = o.y() - HALF; y <= o.y() + HALF; y++) {
                    for (int x = o.x() - HALF; x <= o.x() + HALF; x++) {
                        if (x < 0 || y < 0 || x >= size || y >= size) {
                            continue;
                        }
                        int dx = x - o.x();
                        int dy = y - o.y();
                        // A (2H+1)-pixel square, or a disc of the same diameter (its corners stay white).
                        boolean inside = o.shape() == 0 ? Math.abs(dx) <= HALF && Math.abs(dy) <= HALF
                                : 4 * (dx * dx + dy * dy) <= (2 * HALF + 1) * (2 * HALF + 1);
                        if (inside) {
                            int i = (y * size + x) * 3;
                            rgb[i] = (byte) c[0];
                            rgb[i + 1] = (byte) c[1];
                            rgb[i + 2] = (byte) c[2];
                        }
                    }
                }
            }
            return rgb;
        }
    }

    /** Objects are 2*HALF+1 pixels wide (squares and discs alike). */
    static final int HALF = 3;
    /**
     * Objects sit at the centres of CELL x CELL grid cells, aligned with the model's 8 x 8 patches
     * so that each token sees at most one whole object. With free placement (objects cut by patch
     * borders) the patch-token model had not left chance level after 3000 steps.
     */
    public static final int CELL = 8;

    private final long seed;
    private final int size;
    private final Distribution distribution;
    private final double exponent;
    private final double[] colourCdf;
    private final double[] shapeCdf;

    /**
     * @param seed the set's seed
     * @param size image side in pixels (at least 32)
     * @param distribution balanced or long-tailed
     * @param exponent power-law exponent of the long-tailed variant (paper: 2)
     */
    public SortOfClevr(long seed, int size, Distribution distribution, double exponent) {
        if (size < 32 || size % CELL != 0) {
            throw new IllegalArgumentException("Sort-of-CLEVR images need a multiple of " + CELL + " pixels, at least 32; got " + size);
        }
        this.seed = seed;
        this.size = size;
        this.distribution = distribution;
        this.exponent = exponent;
        this.colourCdf = cdf(probabilities(COLOURS.length));
        this.shapeCdf = cdf(probabilities(SHAPES.length));
    }

    public Distribution distribution() {
        return distribution;
    }

    public int size() {
        return size;
    }

    /** P(rank r) of colours or shapes under this set's distribution. */
    public double[] probabilities(int classes) {
        double[] p = new double[classes];
        double sum = 0;
        for (int r = 0; r < classes; r++) {
            p[r] = distribution == Distribution.BALANCED ? 1 : Math.pow(r + 1, -exponent);
            sum += p[r];
        }
        for (int r = 0; r < classes; r++) {
            p[r] /= sum;
        }
        return p;
    }

    /** Scene number {@code index} of this set. */
    public Scene scene(long index) {
        Random rnd = random(index, 1);
        int cells = size / CELL;
        while (true) {
            java.util.Set<Integer> used = new java.util.HashSet<>();
            List<SceneObject> objects = new ArrayList<>();
            for (int colour = 0; colour < OBJECTS; colour++) {
                int c;
                do {
                    c = rnd.nextInt(cells * cells);
                } while (!used.add(c));
                objects.add(new SceneObject(colour, draw(shapeCdf, rnd), (c % cells) * CELL + CELL / 2,
                        (c / cells) * CELL + CELL / 2));
            }
            Scene scene = new Scene(List.copyOf(objects), size);
            if (scene.distancesUnique()) {
                return scene;
            }
        }
    }

    /** Question number {@code q} about scene {@code index}: even numbers are non-relational. */
    public Question question(long index, int q) {
        Random rnd = random(index, 1000 + q);
        return new Question(draw(colourCdf, rnd), q % 2, rnd.nextInt(3));
    }

    private Random random(long index, int stream) {
        long h = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + stream * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        return new Random(h);
    }

    private static double[] cdf(double[] p) {
        double[] c = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i];
            c[i] = sum;
        }
        c[p.length - 1] = 1;
        return c;
    }

    private static int draw(double[] cdf, Random rnd) {
        double u = rnd.nextDouble();
        for (int i = 0; i < cdf.length; i++) {
            if (u < cdf[i]) {
                return i;
            }
        }
        return cdf.length - 1;
    }
}
