package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.kemwb.data.Sample;
import org.kemwb.model.Task;
import org.junit.jupiter.api.Test;

class ErrorMapsTest {
    /** A 2x2 label image: pixel 3 unlabelled everywhere. */
    static Sample labels() {
        int n = 4;
        float[] normals = {1, 0, 0.6f, 0, /* y */ 0, 1, 0.8f, 0, /* z */ 0, 0, 0, 0};
        return new Sample(2, new float[3 * n], new int[] {0, 1, 2, 255}, new float[] {1f, 2f, 3f, 0f}, normals,
                new byte[] {0, 1, 0, (byte) 255}, new byte[] {1, 1, 0, (byte) 255}, new int[] {0, 0, 0, 255});
    }

    @Test
    void depthErrorIsTheAbsoluteDifferenceInMetresWhereLabelled() {
        float[] err = ErrorMaps.of(Task.DEPTH, new float[] {1.5f, 1f, 3f, 9f}, 1, labels());
        assertEquals(0.5f, err[0], 1e-6);
        assertEquals(1f, err[1], 1e-6);
        assertEquals(0f, err[2], 1e-6);
        assertTrue(Float.isNaN(err[3]), "no label, no error");
        assertEquals(1f, ErrorMaps.max(err), 1e-6);
        assertEquals(0.5, ErrorMaps.mean(err), 1e-6);
    }

    @Test
    void normalsErrorIsTheAngleInDegreesOfTheNormalisedVectors() {
        // predictions (planar x, y, z): (0,1,0) vs (1,0,0) = 90°; (0,2,0) vs (0,1,0) = 0° (length ignored);
        // (0.8,0.6,0) vs (0.6,0.8,0): acos(0.96) = 16.26°
        float[] pred = {0, 0, 0.8f, 1, /* y */ 1, 2, 0.6f, 0, /* z */ 0, 0, 0, 0};
        float[] err = ErrorMaps.of(Task.NORMALS, pred, 3, labels());
        assertEquals(90f, err[0], 1e-4);
        assertEquals(0f, err[1], 1e-3);
        assertEquals(Math.toDegrees(Math.acos(0.96)), err[2], 1e-3);
        assertTrue(Float.isNaN(err[3]));
    }

    @Test
    void classErrorMarksWrongPixelsAndSkipsIgnoredOnes() {
        // 3 classes, planar scores: arg max per pixel = 0, 2, 2, 1
        float[] scores = {5, 0, 0, 0, /* c1 */ 0, 0, 0, 5, /* c2 */ 0, 5, 5, 0};
        float[] err = ErrorMaps.of(Task.SEMSEG, scores, 3, labels());
        assertEquals(0f, err[0]);
        assertEquals(1f, err[1]);
        assertEquals(0f, err[2]);
        assertTrue(Float.isNaN(err[3]));
        assertEquals(1 / 3.0, ErrorMaps.mean(err), 1e-9, "one of three labelled pixels is wrong");
        float[] edges = ErrorMaps.of(Task.EDGES, new float[] {-2, -2, 3, 3}, 1, labels());
        assertEquals(0f, edges[0]);
        assertEquals(1f, edges[1], "edge labelled, probability below 0.5");
        assertEquals(1f, edges[2]);
        assertTrue(Float.isNaN(edges[3]));
    }

    @Test
    void trainingDataIsRecordedAndAMismatchIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertEquals(TrainingData.SYNTHETIC, TrainingData.of(""));
        Path nyud = Files.createDirectories(dir.resolve("nyud"));
        assertEquals("dataset folder nyud", TrainingData.of(nyud.toString()));
        Files.writeString(nyud.resolve(TrainingData.MARKER), TrainingData.markerJson("NYUD-v2"));
        assertEquals("NYUD-v2", TrainingData.of(nyud.toString()));
        // a checkpoint that records it, one that does not (old), one beside a run.json with a data folder
        assertEquals("NYUD-v2", TrainingData.ofCheckpoint(dir.resolve("a.params"), Map.of(TrainingData.KEY, "NYUD-v2")));
        assertTrue(TrainingData.ofCheckpoint(dir.resolve("old.params"), Map.of()).startsWith("synthetic scenes (assumed"));
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("run.json"), "{\"config\": {\"dataDir\": \"" + nyud.toString().replace("\\", "\\\\") + "\"}}");
        assertEquals("NYUD-v2", TrainingData.ofCheckpoint(run.resolve("best.params"), Map.of()));
        // images: the marker of their folder or a parent
        Path img = Files.createDirectories(nyud.resolve("images")).resolve("0001.png");
        assertEquals(Optional.of("NYUD-v2"), TrainingData.sourceOfImage(img));
        assertNull(TrainingData.mismatch("NYUD-v2", Optional.of("NYUD-v2")));
        String photo = TrainingData.mismatch(TrainingData.SYNTHETIC, Optional.empty());
        assertTrue(photo.contains("synthetic scenes") && photo.contains("unknown source") && photo.contains("not meaningful"), photo);
        assertTrue(TrainingData.mismatch(TrainingData.SYNTHETIC, Optional.of("NYUD-v2")).contains("comes from NYUD-v2"));
        assertNull(TrainingData.mismatch(TrainingData.ofCheckpoint(dir.resolve("old.params"), Map.of()), Optional.of(TrainingData.SYNTHETIC)),
                "an old synthetic-scene checkpoint on a synthetic scene: no warning");
    }
}
