package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemwb.data.SortOfClevr.Distribution;
import org.kemwb.data.SortOfClevr.Question;
import org.kemwb.data.SortOfClevr.Scene;

class SortOfClevrTest {
    static final int SIZE = 64;

    @Test
    void sameSeedGivesTheSameImagesAndQuestions() {
        SortOfClevr a = new SortOfClevr(42, SIZE, Distribution.LONG_TAILED, 2);
        SortOfClevr b = new SortOfClevr(42, SIZE, Distribution.LONG_TAILED, 2);
        SortOfClevr other = new SortOfClevr(43, SIZE, Distribution.LONG_TAILED, 2);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.scene(i).render(), b.scene(i).render());
            assertEquals(a.question(i, 3), b.question(i, 3));
        }
        assertFalse(Arrays.equals(a.scene(0).render(), other.scene(0).render()));
    }

    /** An object as read back from the pixels alone: colour, centroid, and square or circle. */
    record Seen(int colour, double x, double y, boolean square) {}

    static List<Seen> readPixels(byte[] rgb) {
        List<Seen> seen = new ArrayList<>();
        for (int c = 0; c < SortOfClevr.OBJECTS; c++) {
            int[] want = SortOfClevr.RGB[c];
            long n = 0;
            double sx = 0;
            double sy = 0;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int i = (y * SIZE + x) * 3;
                    if ((rgb[i] & 0xff) == want[0] && (rgb[i + 1] & 0xff) == want[1] && (rgb[i + 2] & 0xff) == want[2]) {
                        n++;
                        sx += x;
                        sy += y;
                    }
                }
            }
            assertTrue(n > 20, "colour " + c + " visible");
            double cx = sx / n;
            double cy = sy / n;
            // A square fills its bounding-box corners; a circle leaves them white.
            int corner = ((int) Math.round(cy) - SortOfClevr.HALF) * SIZE + (int) Math.round(cx) - SortOfClevr.HALF;
            boolean square = (rgb[corner * 3] & 0xff) == want[0] && (rgb[corner * 3 + 1] & 0xff) == want[1]
                    && (rgb[corner * 3 + 2] & 0xff) == want[2];
            seen.add(new Seen(c, cx, cy, square));
        }
        return seen;
    }

    /** The answer to a question, from what the picture shows (brute force over pairs). */
    static String answerFromPixels(List<Seen> seen, Question q) {
        Seen o = seen.get(q.colour());
        if (q.family() == 0) {
            return switch (q.subtype()) {
                case 0 -> o.square() ? "square" : "circle";
                case 1 -> o.x() < SIZE / 2.0 ? "yes" : "no";
                default -> o.y() < SIZE / 2.0 ? "yes" : "no";
            };
        }
        if (q.subtype() == 2) {
            return Long.toString(seen.stream().filter(p -> p.square() == o.square()).count());
        }
        Seen best = null;
        double bestD = q.subtype() == 0 ? Double.MAX_VALUE : -1;
        for (Seen p : seen) {
            double d = Math.hypot(p.x() - o.x(), p.y() - o.y());
            if (p != o && (q.subtype() == 0 ? d < bestD : d > bestD)) {
                bestD = d;
                best = p;
            }
        }
        return best.square() ? "square" : "circle";
    }

    @Test
    void everyAnswerMatchesWhatTheImageShows() {
        SortOfClevr set = new SortOfClevr(7, SIZE, Distribution.BALANCED, 2);
        int checked = 0;
        for (int i = 0; i < 150; i++) {
            Scene scene = set.scene(i);
            List<Seen> seen = readPixels(scene.render());
            for (int colour = 0; colour < SortOfClevr.OBJECTS; colour++) {
                for (int family = 0; family < 2; family++) {
                    for (int sub = 0; sub < 3; sub++) {
                        Question q = new Question(colour, family, sub);
                        assertEquals(answerFromPixels(seen, q), SortOfClevr.ANSWERS[scene.answer(q)], "scene " + i + ", " + q);
                        checked++;
                    }
                }
            }
        }
        assertEquals(150 * 36, checked);
    }

    @Test
    void questionsAreEncodedAsColourFamilyAndSubtype() {
        float[] q = new Question(4, 1, 2).encode();
        assertEquals(SortOfClevr.QUESTION_DIM, q.length);
        float[] expected = new float[11];
        expected[4] = 1;
        expected[7] = 1;
        expected[10] = 1;
        assertArrayEquals(expected, q);
    }

    @Test
    void longTailedColoursAndShapesFollowThePowerLaw() {
        int n = 30_000;
        for (Distribution d : Distribution.values()) {
            SortOfClevr set = new SortOfClevr(3, SIZE, d, 2);
            double[] colours = new double[6];
            double[] shapes = new double[2];
            int objects = 0;
            for (int i = 0; i < n; i++) {
                colours[set.question(i, i % 10).colour()]++;
                if (i < 3000) {
                    for (var o : set.scene(i).objects()) {
                        shapes[o.shape()]++;
                        objects++;
                    }
                }
            }
            double norm = 0;
            for (int r = 1; r <= 6; r++) {
                norm += 1.0 / (r * r);
            }
            for (int r = 0; r < 6; r++) {
                double expected = d == Distribution.BALANCED ? 1 / 6.0 : 1.0 / ((r + 1) * (r + 1)) / norm;
                assertEquals(expected, colours[r] / n, 0.01, d + " colour rank " + (r + 1));
            }
            double squares = d == Distribution.BALANCED ? 0.5 : 0.8; // 1 : 1/4
            assertEquals(squares, shapes[0] / objects, 0.015, d + " squares");
        }
    }

    @Test
    void everySceneHasEachColourOnceAndUnambiguousDistances() {
        SortOfClevr set = new SortOfClevr(9, SIZE, Distribution.LONG_TAILED, 2);
        for (int i = 0; i < 300; i++) {
            Scene s = set.scene(i);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), s.objects().stream().map(SortOfClevr.SceneObject::colour).toList());
            assertTrue(s.distancesUnique());
            assertEquals(6, s.objects().stream().map(o -> o.x() * 1000 + o.y()).distinct().count(), "no two objects share a cell");
        }
    }
}
