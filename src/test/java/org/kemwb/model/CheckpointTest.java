package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.kemwb.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    static ModelConfig config(InteractionKind kind, int slots) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), kind, 32, 8, 16, 2, 1, 1, 2, slots, 2,
                1.0, 5, 3, 9L, ModelConfig.STEM, 0, false).validated("test");
    }

    @Test
    void saveThenLoadGivesBitIdenticalOutputs() throws Exception {
        for (InteractionKind kind : InteractionKind.values()) {
            Path file = dir.resolve(kind.id() + ".params");
            try (LoadedModel original = LoadedModel.create(config(kind, 6), Device.cpu(), 3, null);
                    NDManager m = NDManager.newBaseManager("PyTorch")) {
                Engine.getEngine("PyTorch").setRandomSeed(5);
                NDArray image = m.randomUniform(0f, 1f, new Shape(2, 3, 32, 32));
                NDList before = original.infer(m, image, false).outputs();
                Checkpoint.save(original, file, Map.of("step", "17"));
                try (LoadedModel loaded = Checkpoint.load(file, Device.cpu())) {
                    assertEquals(original.config(), loaded.config());
                    NDList after = loaded.infer(m, image, false).outputs();
                    for (int t = 0; t < before.size(); t++) {
                        assertArrayEquals(before.get(t).toFloatArray(), after.get(t).toFloatArray(), kind + " task " + t);
                    }
                }
                assertEquals("17", Checkpoint.readHeader(file).metadata().get("step"));
            }
        }
    }

    @Test
    void configThatDoesNotMatchItsWeightsIsRefusedNamingTheParameter() throws Exception {
        Path file = dir.resolve("kem.params");
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.KEM, 6), Device.cpu(), 3, null)) {
            Checkpoint.save(model, file, Map.of());
        }
        byte[] original = Files.readAllBytes(file);
        Path forged = dir.resolve("forged.params");
        Files.write(forged, replaceConfig(original, config(InteractionKind.KEM, 10)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(forged, Device.cpu()));
        assertTrue(e.getMessage().contains("forged.params"), e.getMessage());
        assertTrue(e.getMessage().contains("interaction_memory"), e.getMessage());
        assertTrue(e.getMessage().contains("(6, 16)") && e.getMessage().contains("(10, 16)"), e.getMessage());

        Path otherKind = dir.resolve("ca-config.params");
        Files.write(otherKind, replaceConfig(original, config(InteractionKind.CA, 6)));
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoint.load(otherKind, Device.cpu()));
        assertTrue(e2.getMessage().contains("interaction_memory") && e2.getMessage().contains("interaction_01query_weight"),
                e2.getMessage());
    }

    @Test
    void truncatedAndForeignFilesAreRefusedWithTheirName() throws Exception {
        Path file = dir.resolve("ok.params");
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.SKEM, 4), Device.cpu(), 3, null)) {
            Checkpoint.save(model, file, Map.of());
        }
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.params");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(cut, Device.cpu()));
        assertTrue(e.getMessage().contains("cut.params") && e.getMessage().contains("truncated"), e.getMessage());

        Path junk = dir.resolve("junk.params");
        Files.write(junk, "hello, not a checkpoint".getBytes());
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoint.load(junk, Device.cpu()));
        assertTrue(e2.getMessage().contains("junk.params") && e2.getMessage().contains("not a KEM Workbench checkpoint"));

        CheckpointException e3 = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir.resolve("missing.params"), Device.cpu()));
        assertTrue(e3.getMessage().contains("no such file"));
        // Nothing was written next to the inputs.
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count());
        }
    }

    /** Rewrites the config blob of a checkpoint, keeping its weights. */
    static byte[] replaceConfig(byte[] file, ModelConfig config) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(file);
        in.position(Checkpoint.MAGIC.length + 4);
        int len = in.getInt();
        int restStart = in.position() + len;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(file, 0, Checkpoint.MAGIC.length + 4);
        byte[] json = Json.MAPPER.writeValueAsBytes(config);
        data.writeInt(json.length);
        data.write(json);
        data.write(file, restStart, file.length - restStart);
        return out.toByteArray();
    }
}
