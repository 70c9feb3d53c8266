package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.kemwb.train.Augment;
import org.junit.jupiter.api.Test;

class SyntheticScenesTest {
    @Test
    void sameSeedSameBytesOtherSeedOtherScene() {
        Sample a = new SyntheticScenes(3).render(5, 48);
        Sample b = new SyntheticScenes(3).render(5, 48);
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.semseg(), b.semseg());
        assertArrayEquals(a.depth(), b.depth());
        assertFalse(Arrays.equals(a.rgb(), new SyntheticScenes(4).render(5, 48).rgb()));
    }

    @Test
    void labelsAreConsistent() {
        for (int i = 0; i < 10; i++) {
            Sample s = new SyntheticScenes(1).render(i, 64);
            int n = 64 * 64;
            for (int p = 0; p < n; p++) {
                int cls = s.semseg()[p];
                assertTrue(cls >= 0 && cls < SyntheticScenes.CLASSES.length);
                assertTrue(s.depth()[p] > 0 && s.depth()[p] < 20, "depth in metres");
                double len = Math.sqrt(s.normals()[p] * s.normals()[p] + s.normals()[n + p] * s.normals()[n + p]
                        + s.normals()[2 * n + p] * s.normals()[2 * n + p]);
                assertEquals(1.0, len, 1e-4, "unit normals");
                assertEquals(cls >= 2 ? 1 : 0, s.saliency()[p], "objects are salient");
                assertEquals(cls < 2, s.parts()[p] == 255, "parts only on objects");
                if (cls == SyntheticScenes.FLOOR) {
                    assertTrue(s.normals()[n + p] > 0.5, "the floor faces up (camera tilted down a little)");
                }
            }
        }
    }

    @Test
    void flipMirrorsEveryLabelAndTheNormalsX() {
        Sample s = new SyntheticScenes(2).render(0, 32);
        Sample f = Augment.flip(s, true);
        int n = 32 * 32;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int p = y * 32 + x;
                int q = y * 32 + 31 - x;
                assertEquals(s.semseg()[p], f.semseg()[q]);
                assertEquals(s.depth()[p], f.depth()[q]);
                assertEquals(-s.normals()[p], f.normals()[q], 1e-6f, "x negated (and renormalised)");
                assertEquals(s.normals()[n + p], f.normals()[n + q], 1e-6f);
                assertEquals(s.rgb()[2 * n + p], f.rgb()[2 * n + q]);
            }
        }
    }
}
