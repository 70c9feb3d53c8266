package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Square checkpoints written before models took height x width inputs (the samples, and tiny
 * CTAL/NexusFlow ones) still load and give the outputs and attention they gave then: each is
 * compared with its fingerprint computed at commit 3a6889e ({@link LegacyReference}).
 */
class LegacyCheckpointTest {
    static Stream<Path[]> checkpoints() throws Exception {
        List<Path[]> cases = new ArrayList<>();
        Path refs = Path.of("src/test/resources/legacy");
        try (Stream<Path> files = Files.list(Path.of("samples/checkpoints"))) {
            files.filter(f -> f.toString().endsWith(".params")).sorted().forEach(f -> {
                String name = f.getFileName().toString().replace(".params", "");
                cases.add(new Path[] {f, refs.resolve(name + ".npy")});
                cases.add(new Path[] {Path.of("samples/runs", name, "best.params"), refs.resolve(name + ".npy")});
            });
        }
        for (String tiny : List.of("tiny-ctal", "tiny-nexusflow")) {
            cases.add(new Path[] {refs.resolve(tiny + ".params"), refs.resolve(tiny + ".npy")});
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void loadsAndGivesTheOutputsItGaveBeforeNonSquareInputs(Path checkpoint, Path reference) throws Exception {
        float[] want = LegacyReference.readReference(reference);
        try (LoadedModel model = Checkpoint.load(checkpoint, Device.cpu())) {
            assertEquals(model.config().height(), model.config().width(), "legacy configs are square");
            float[] got = LegacyReference.fingerprint(model);
            assertEquals(want.length, got.length, checkpoint + ": fingerprint length");
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 2e-5 * Math.max(1, Math.abs(want[i])), checkpoint + " value " + i);
            }
        }
    }
}
