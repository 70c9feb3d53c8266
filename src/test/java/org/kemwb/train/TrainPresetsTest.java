package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kemwb.model.Task;
import org.kemwb.util.Json;

/** The dataset presets in configs/ parse as train configs with the public code bases' crop sizes and scales. */
class TrainPresetsTest {
    static TrainConfig read(String name) throws Exception {
        Path file = Path.of("configs", name);
        return TrainConfig.fromJson(Json.MAPPER.readTree(file.toFile()), file.toString());
    }

    @Test
    void nyudAndPascalContextPresetsCropAtTheirBenchmarkSizes() throws Exception {
        TrainConfig nyud = read("nyud-v2-448x576.json");
        assertEquals(448, nyud.model().height());
        assertEquals(576, nyud.model().width());
        assertEquals(28 * 36, nyud.model().tokens());
        assertEquals(40, nyud.model().semsegClasses());
        assertEquals(0.5, nyud.minScale());
        assertEquals(2.0, nyud.maxScale());
        TrainConfig pascal = read("pascal-context-512x512.json");
        assertEquals(512, pascal.model().height());
        assertEquals(512, pascal.model().width());
        assertEquals(7, pascal.model().partsClasses());
        assertEquals(true, pascal.model().tasks().contains(Task.PARTS));
        assertEquals(0.5, pascal.minScale());
    }

    @Test
    void defaultsKeepZoomingInOnly() {
        assertEquals(1.0, TrainConfig.defaults().minScale());
        assertEquals(1.25, TrainConfig.defaults().maxScale());
    }
}
