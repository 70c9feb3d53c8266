package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import picocli.CommandLine;

/** `eval` and `readouts` take the same held-out scene options (one mixin) and read the same scenes. */
class HeldOutScenesTest {
    @TempDir
    Path dir;

    @Test
    void bothCommandsParseTheSameOptionsIntoTheSameScenes() {
        KemwbCli.Eval eval = new KemwbCli.Eval();
        ReadoutsCommand readouts = new ReadoutsCommand();
        String[] args = {"--checkpoint", "m.params", "--count", "2", "--first", "5", "--data-seed", "3"};
        new CommandLine(eval).parseArgs(args);
        new CommandLine(readouts).parseArgs(args);
        SyntheticScenes direct = new SyntheticScenes(3);
        for (HeldOutScenes options : List.of(eval.scenes, readouts.scenes)) {
            List<Sample> scenes = options.render(16);
            assertEquals(2, scenes.size());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(direct.render(5 + i, 16).rgb(), scenes.get(i).rgb(), "scene " + (5 + i));
            }
        }
        assertEquals(Path.of("m.params"), eval.modelOptions.checkpoint);
        assertEquals(Path.of("m.params"), readouts.modelOptions.checkpoint);
    }

    @Test
    void readoutsRunsOnHeldOutScenesAndRefusesNoScenes() throws Exception {
        Path checkpoint = dir.resolve("model.params");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, checkpoint, Map.of());
        }
        Path report = dir.resolve("readouts.txt");
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), "readouts", "--checkpoint", checkpoint.toString(), "--count", "2",
                "--device", "cpu", "--out", report.toString());
        assertEquals(0, code, err.toString());
        assertTrue(Files.readString(report).startsWith(checkpoint + " (kem, N 4, k 2)"), Files.readString(report));
        for (String command : List.of("readouts", "eval")) {
            StringWriter e = new StringWriter();
            assertEquals(2, KemwbCli.execute(new PrintWriter(e, true), command, "--checkpoint", checkpoint.toString(), "--count", "0",
                    "--device", "cpu"), command);
            assertEquals(1, e.toString().trim().lines().count(), e.toString());
            assertTrue(e.toString().startsWith("kemwb: --count = 0: must be in [1, "), e.toString());
        }
    }
}
