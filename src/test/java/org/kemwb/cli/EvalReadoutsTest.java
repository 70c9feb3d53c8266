package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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

/** {@code kemwb eval} reports the memory read-outs of the set it scored, exactly as {@code kemwb readouts} does on the same images. */
class EvalReadoutsTest {
    @TempDir
    Path dir;

    private Path checkpoint(InteractionKind kind) throws Exception {
        Path file = dir.resolve(kind.id() + ".params");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), kind, 32, 8, 16, 2, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, file, Map.of());
        }
        return file;
    }

    /** Runs the CLI and returns what it printed on standard output (fails with its error output). */
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = KemwbCli.execute(new PrintWriter(err, true), args);
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, err.toString());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void evalOfAKemModelPrintsTheReadoutsOfTheSameScenes() throws Exception {
        Path kem = checkpoint(InteractionKind.KEM);
        String eval = run("eval", "--checkpoint", kem.toString(), "--count", "3", "--device", "cpu");
        String readouts = run("readouts", "--checkpoint", kem.toString(), "--count", "3", "--device", "cpu");
        assertTrue(readouts.contains("distinct tokens read per image"), readouts);
        assertTrue(eval.contains("semseg_miou"), eval);
        assertTrue(eval.endsWith(readouts), "eval ends with the read-outs of its 3 scenes:\n" + eval + "\n---\n" + readouts);
        String skipped = run("eval", "--checkpoint", kem.toString(), "--count", "3", "--device", "cpu", "--no-readouts");
        assertFalse(skipped.contains("task mass"), skipped);
        assertEquals(eval.substring(0, skipped.length()), skipped, "the metrics do not change");
    }

    @Test
    void theReadoutsOfCaNameNoMemory() throws Exception {
        Path ca = checkpoint(InteractionKind.CA);
        String readouts = run("readouts", "--checkpoint", ca.toString(), "--count", "2", "--device", "cpu");
        assertTrue(readouts.startsWith(ca + " (ca)\n"), "ca has no slots N or reads k: " + readouts);
        Path kem = checkpoint(InteractionKind.KEM);
        assertTrue(run("readouts", "--checkpoint", kem.toString(), "--count", "2", "--device", "cpu").startsWith(kem + " (kem, N 4, k 2)\n"));
    }

    @Test
    void aModelWithoutAttentionHasNoReadouts() throws Exception {
        String eval = run("eval", "--checkpoint", checkpoint(InteractionKind.NONE).toString(), "--count", "2", "--device", "cpu");
        assertTrue(eval.contains("depth_rmse"), eval);
        assertFalse(eval.contains("task mass"), eval);
    }
}
