package org.kemwb.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kemwb.util.Json;

/**
 * Every PNG colour type and bit depth, every EXIF orientation (PNG eXIf and JPEG APP1), a CMYK
 * JPEG with its ICC profile, 16-bit and premultiplied-alpha TIFFs and a lossless WebP decode to
 * the values computed independently of the reader: PNGs written byte by byte and expected values
 * computed by numpy (orientations by numpy's rot90/flip/transpose), the CMYK colours by
 * ImageMagick's own conversion. Fixtures and expected.json: src/test/resources/images/make_fixtures.py.
 */
class ImageSweepTest {
    static final Path DIR = Path.of("src", "test", "resources", "images");

    @Test
    void everyFixtureDecodesToItsIndependentlyComputedValues() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(DIR.resolve("expected.json").toFile());
        List<String> failures = new ArrayList<>();
        int files = 0;
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            String name = e.getKey();
            JsonNode want = e.getValue();
            Path file = DIR.resolve(name);
            Picture p = ImageDecoder.read(file);
            int w = want.get("width").asInt();
            int h = want.get("height").asInt();
            assertEquals(w, p.width(), name + " width as displayed");
            assertEquals(h, p.height(), name + " height as displayed");
            double scale = want.get("scale").asDouble();
            double tol = Math.max(want.get("tol").asDouble(), 1e-7);
            JsonNode rgb = want.get("rgb");
            assertEquals(rgb.size(), p.rgb().length, name);
            double worst = 0;
            for (int i = 0; i < rgb.size(); i++) {
                worst = Math.max(worst, Math.abs(p.rgb()[i] - rgb.get(i).asInt() / scale));
            }
            if (worst > tol) {
                failures.add(name + ": max error " + worst + " > " + tol);
            }
            JsonNode samples = want.get("samples");
            if (samples != null && !samples.isNull()) {
                Samples s = ImageDecoder.readSamples(file);
                int[] want2 = new int[samples.size()];
                for (int i = 0; i < want2.length; i++) {
                    want2[i] = samples.get(i).asInt();
                }
                assertEquals(w, s.width(), name);
                assertArrayEquals(want2, s.values(), name + " raw samples");
            }
            files++;
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
        // 5 grey + 2 grey+alpha + 2 RGB + 2 RGBA + 8 palette + 2 colour keys + 8 PNG + 8 JPEG orientations
        // + CMYK + 2 TIFF 16-bit + premultiplied TIFF + WebP
        assertEquals(42, files);
    }

    @Test
    void sixteenBitSamplesKeepFullPrecision() throws Exception {
        Picture p = ImageDecoder.read(DIR.resolve("grey16.png"));
        Samples s = ImageDecoder.readSamples(DIR.resolve("grey16.png"));
        assertEquals(16, s.bitDepth());
        for (int i = 0; i < s.values().length; i++) {
            assertEquals(s.values()[i] / 65535f, p.rgb()[i], 0f, "k/65535, not k/257/255");
        }
        assertTrue(java.util.Arrays.stream(s.values()).anyMatch(v -> v % 257 != 0), "the fixture holds non-8-bit levels");
    }

    @Test
    void resizeMatchesBoxAverageWhenShrinkingByAnInteger() {
        // a triangle filter of support 2 over a 2x downscale weighs pixel pairs equally: (a+b)/2... with
        // half weight on the neighbours; check against the direct formula on a 1-D ramp
        float[] rgb = new float[3 * 8];
        for (int x = 0; x < 8; x++) {
            for (int c = 0; c < 3; c++) {
                rgb[c * 8 + x] = x / 7f;
            }
        }
        Picture p = new Picture(8, 1, rgb).resize(4, 1);
        for (int i = 0; i < 4; i++) {
            double centre = (i + 0.5) * 2;
            double sum = 0;
            double norm = 0;
            for (int j = 0; j < 8; j++) {
                double wgt = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / 2));
                sum += wgt * j / 7.0;
                norm += wgt;
            }
            assertEquals(sum / norm, p.value(0, i, 0), 1e-6, "output " + i);
        }
    }
}
