package org.kemwb.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Field cases (src/test/resources/field-cases, see its README in the shared notes) read right. */
class FieldCaseReadTest {
    static final Path DIR = Path.of("src", "test", "resources", "field-cases");

    @Test
    void portraitJpegWithExifOrientation6IsUprightAndMatchesItsLabel() throws Exception {
        Picture img = ImageDecoder.read(DIR.resolve("exif6_red_left_stored.jpg"));
        assertEquals(20, img.width(), "20 wide as every viewer shows it");
        assertEquals(40, img.height(), "40 high");
        assertEquals(new ImageDecoder.Size(20, 40), ImageDecoder.size(DIR.resolve("exif6_red_left_stored.jpg")));
        // red on top, blue below (JPEG: allow compression error)
        assertTrue(img.value(0, 10, 5) > 0.8 && img.value(2, 10, 5) < 0.2, "top is red");
        assertTrue(img.value(2, 10, 35) > 0.8 && img.value(0, 10, 35) < 0.2, "bottom is blue");
        Samples label = ImageDecoder.readSamples(DIR.resolve("exif6_label_upright_20x40.png"));
        assertEquals(img.width(), label.width());
        assertEquals(img.height(), label.height());
    }

    @Test
    void theUprightLabelIsAcceptedByADatasetHoldingThePortraitJpeg(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("images"));
        java.nio.file.Files.createDirectories(tmp.resolve("segmentation"));
        java.nio.file.Files.copy(DIR.resolve("exif6_red_left_stored.jpg"), tmp.resolve("images").resolve("p.jpg"));
        java.nio.file.Files.copy(DIR.resolve("exif6_label_upright_20x40.png"), tmp.resolve("segmentation").resolve("p.png"));
        java.nio.file.Files.writeString(tmp.resolve("train.txt"), "p\n");
        var d = new org.kemwb.data.FolderDataset(tmp, "train", java.util.EnumSet.of(org.kemwb.model.Task.SEMSEG), 3, 2);
        var labels = d.labels(0);
        assertEquals(20, labels.width());
        assertEquals(40, labels.height());
        // the label's top half is class 1 (the red half of the upright photo), the bottom half class 2
        assertEquals(1, labels.semseg()[5 * 20 + 10]);
        assertEquals(2, labels.semseg()[35 * 20 + 10]);
        assertEquals(3 * 8 * 8, d.load(0, 8).rgb().length);
    }

    @Test
    void greyWithAlphaArrivesAsItsGreyLevelsLikeTheControl() throws Exception {
        float[] want = {64 / 255f, 128 / 255f, 200 / 255f};
        for (String f : new String[] {"gray_alpha.png", "gray_control.png"}) {
            Picture img = ImageDecoder.read(DIR.resolve(f));
            java.util.TreeSet<Float> levels = new java.util.TreeSet<>();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < img.height(); y++) {
                    for (int x = 0; x < img.width(); x++) {
                        levels.add(img.value(c, x, y));
                    }
                }
            }
            assertArrayEquals(want, toArray(levels), 0f, f + " grey levels 0.2510, 0.5020, 0.7843");
        }
        Picture a = ImageDecoder.read(DIR.resolve("gray_alpha.png"));
        Picture b = ImageDecoder.read(DIR.resolve("gray_control.png"));
        assertArrayEquals(b.rgb(), a.rgb(), 0f, "alpha dropped, colour kept");
    }

    @Test
    void everyNpyVariantReadsTheSameValues() throws Exception {
        Npy.Array ref = Npy.read(DIR.resolve("npy").resolve("depth_c_f4.npy"));
        assertArrayEquals(new long[] {2, 3}, ref.shape());
        assertArrayEquals(new float[] {0, 1.5f, 2.25f, 3, 0, 9.75f}, ref.data());
        for (String f : new String[] {"depth_py2_Lsuffix_f4.npy", "depth_f2.npy", "depth_fortran_f4.npy"}) {
            Npy.Array a = Npy.read(DIR.resolve("npy").resolve(f));
            assertArrayEquals(ref.shape(), a.shape(), f);
            assertArrayEquals(ref.data(), a.data(), f);
        }
    }

    private static float[] toArray(java.util.Collection<Float> c) {
        float[] out = new float[c.size()];
        int i = 0;
        for (float v : c) {
            out[i++] = v;
        }
        return out;
    }
}
