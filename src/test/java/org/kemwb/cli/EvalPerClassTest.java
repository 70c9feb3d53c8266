package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/** {@code kemwb eval --per-class/--confusion}: the tables agree with each other and with the set. */
class EvalPerClassTest {
    @TempDir
    Path dir;

    @Test
    void perClassIouAndConfusionMatrixOfTheSet() throws Exception {
        Path checkpoint = dir.resolve("model.params");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.EDGES), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, checkpoint, Map.of());
        }
        Path perClass = dir.resolve("per-class.csv");
        Path confusion = dir.resolve("confusion.csv");
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), "eval", "--checkpoint", checkpoint.toString(), "--count", "2",
                "--device", "cpu", "--per-class", perClass.toString(), "--confusion", confusion.toString());
        assertEquals(0, code, err.toString());
        List<String> iou = Files.readAllLines(perClass);
        assertEquals("task,class,iou,tp,fp,fn", iou.getFirst());
        assertEquals(1 + 6, iou.size(), "one row per semseg class");
        List<String> cells = Files.readAllLines(confusion);
        assertEquals("task,label,predicted,pixels", cells.getFirst());
        assertEquals(1 + 36, cells.size(), "6 x 6 cells");
        long[][] c = new long[6][6];
        long total = 0;
        for (String line : cells.subList(1, cells.size())) {
            String[] f = line.split(",");
            c[Integer.parseInt(f[1])][Integer.parseInt(f[2])] = Long.parseLong(f[3]);
            total += Long.parseLong(f[3]);
        }
        assertTrue(total > 0 && total <= 2L * 32 * 32, "labelled pixels of 2 images of 32 x 32: " + total);
        double mean = 0;
        for (int k = 0; k < 6; k++) {
            String[] f = iou.get(1 + k).split(",", -1);
            long fp = 0;
            long fn = 0;
            for (int o = 0; o < 6; o++) {
                if (o != k) {
                    fp += c[o][k];
                    fn += c[k][o];
                }
            }
            assertEquals(c[k][k], Long.parseLong(f[3]));
            assertEquals(fp, Long.parseLong(f[4]));
            assertEquals(fn, Long.parseLong(f[5]));
            long union = c[k][k] + fp + fn;
            double expected = union == 0 ? 0 : (double) c[k][k] / union; // published: absent class = 0
            assertFalse(f[2].isEmpty());
            assertEquals(expected, Double.parseDouble(f[2]), 1e-6);
            mean += expected / 6;
        }
        assertTrue(mean >= 0 && mean <= 1);
    }

    @Test
    void anUnknownConventionIsOneLine() throws Exception {
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), "eval", "--checkpoint", dir.resolve("none.params").toString(),
                "--convention", "mtl");
        assertEquals(2, code);
        assertTrue(err.toString().trim().startsWith("kemwb: unknown metric convention 'mtl'"), err.toString());
        assertEquals(1, err.toString().trim().lines().count());
    }
}
