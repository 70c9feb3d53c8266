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
 * Square checkpoints written before models took height x width inputs and before the conv stem
 * and upsampling heads (patch stem, linear heads; tiny ones of every interaction kind, written
 * at commit 3a6889e, see {@link LegacyReference}) still load and give the outputs and attention
 * they gave then: each is compared with its fingerprint computed at that commit. (The bundled
 * samples were checked here too until they were retrained with the conv stem and upsampling heads.)
 */
class LegacyCheckpointTest {
    static Stream<Path[]> checkpoints() throws Exception {
        List<Path[]> cases = new ArrayList<>();
        Path refs = Path.of("src/test/resources/legacy");
        try (Stream<Path> files = Files.list(refs)) {
            files.filter(f -> f.toString().endsWith(".params")).sorted()
                    .forEach(f -> cases.add(new Path[] {f, refs.resolve(f.getFileName().toString().replace(".params", ".npy"))}));
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
