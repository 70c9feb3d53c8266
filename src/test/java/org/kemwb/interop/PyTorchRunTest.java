package org.kemwb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.NetOutput;
import org.kemwb.model.NpzWeights;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.Json;

/**
 * Run folders written by the PyTorch DDP trainer (interop/pytorch/train.py) open in the workbench:
 * a committed tiny run (interop/pytorch/make_run_fixture.sh) is read without Python, and the
 * trainer's defaults stay the workbench's.
 */
class PyTorchRunTest {
    static final Path RUN = Path.of("src", "test", "resources", "interop", "pytorch-run");

    @TempDir
    Path tmp;

    @Test
    void trainerDefaultsAreTheWorkbenchDefaults() throws IOException {
        // train.py overlays a user's config on this file, as `kemwb train` overlays it on TrainConfig.defaults()
        JsonNode python = Json.MAPPER.readTree(Path.of("interop", "pytorch", "kemwb_torch", "defaults.json").toFile());
        // through text, so that numbers compare by value (a long 7 equals the file's int 7)
        JsonNode java = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(TrainConfig.defaults()));
        assertEquals(java, python, "interop/pytorch/kemwb_torch/defaults.json differs from TrainConfig.defaults(): "
                + "write the new defaults there: " + java);
    }

    @Test
    void pytorchRunFolderReadsLikeANativeOne() throws IOException {
        JsonNode node = Json.MAPPER.readTree(RUN.resolve(TrainingRun.RUN_JSON).toFile());
        assertEquals("finished", node.get("status").asText());
        assertEquals(TrainingRun.PYTORCH_TRAINER, node.get("trainer").asText());
        TrainConfig config = TrainConfig.fromJson(node.get("config"), "run.json");
        assertEquals(4, config.steps());

        List<Map<String, String>> rows = TrainingRun.readMetrics(RUN);
        assertEquals(List.of("1", "2", "3", "4", "4"), rows.stream().map(r -> r.get("step")).toList());
        Map<String, String> eval = rows.getLast();
        assertEquals("eval", eval.get("kind"));
        for (String metric : List.of("semseg_miou", "depth_rmse", "normals_mean_deg")) {
            assertFalse(eval.get(metric).isEmpty(), metric);
            assertTrue(Double.isFinite(Double.parseDouble(eval.get(metric))), metric);
        }
    }

    @Test
    void bestCheckpointOpensAndPredicts() throws IOException {
        try (LoadedModel model = NpzWeights.read(RUN.resolve("best.npz"), Device.cpu());
                NDManager m = model.manager().newSubManager()) {
            assertEquals(8, model.config().dim());
            NetOutput out = model.infer(m, m.randomUniform(0, 1, new Shape(1, 3, 16, 16)), false);
            assertEquals(new Shape(1, 6, 16, 16), out.outputs().get(0).getShape());
            assertEquals(new Shape(1, 1, 16, 16), out.outputs().get(1).getShape());
            for (float v : out.outputs().get(1).toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void evalOpensTheTrainersNpzCheckpoint() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = org.kemwb.cli.KemwbCli.execute(new java.io.PrintWriter(err, true), "eval", "--checkpoint",
                RUN.resolve("best.npz").toString(), "--count", "2", "--device", "cpu");
        assertEquals(0, code, err.toString());
    }

    @Test
    void nativeResumeRefusesAPytorchRunInOneLine() throws IOException {
        Path copy = tmp.resolve("run");
        Files.createDirectories(copy);
        for (String f : List.of("run.json", "metrics.csv", "best.npz")) {
            Files.copy(RUN.resolve(f), copy.resolve(f));
        }
        IOException e = assertThrows(IOException.class, () -> TrainingRun.open(copy));
        assertTrue(e.getMessage().contains("train.py --resume --run " + copy), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(Files.exists(copy.resolve("metrics.csv")), "nothing is touched");
    }
}
