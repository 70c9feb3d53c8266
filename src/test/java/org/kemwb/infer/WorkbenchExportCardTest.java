package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.card.ModelCard;

/**
 * The workbench's own TorchScript exports carry a model card too (export_torchscript.py writes
 * skem.card.json): the one card loader reads it, the config comes from its "workbench" section,
 * and exports made before cards (config in .pt.json) still open with the same results.
 */
class WorkbenchExportCardTest {
    static final Path DIR = Path.of("src", "test", "resources", "interop");

    @TempDir
    Path tmp;

    @Test
    void cardAndOldSidecarGiveTheSameModel() throws Exception {
        Path withCard = Files.createDirectories(tmp.resolve("card"));
        Path old = Files.createDirectories(tmp.resolve("old"));
        Files.copy(DIR.resolve("skem.pt"), withCard.resolve("skem.pt"));
        Files.copy(DIR.resolve("skem.card.json"), withCard.resolve("skem.card.json"));
        Files.copy(DIR.resolve("skem.pt"), old.resolve("skem.pt"));
        Files.copy(DIR.resolve("skem.pt.json"), old.resolve("skem.pt.json"));
        float[] rgb = new float[3 * 32 * 32];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i % 97) / 97f;
        }
        try (ModelHandle a = ModelHandle.open(withCard.resolve("skem.pt"), Device.cpu());
                ModelHandle b = ModelHandle.open(old.resolve("skem.pt"), Device.cpu())) {
            assertEquals(b.config(), a.config());
            Prediction pa = a.predict(rgb, true);
            Prediction pb = b.predict(rgb, true);
            for (int t = 0; t < pa.outputs().size(); t++) {
                assertArrayEquals(pb.outputs().get(t), pa.outputs().get(t), 0f);
            }
            assertArrayEquals(pb.tokenAttention(), pa.tokenAttention(), 0f);
        }
        assertFalse(CardModel.isCardModel(withCard.resolve("skem.pt")), "kemwb infer keeps the workbench's own path");
    }

    @Test
    void theSameCardOpensTheExportAsACardModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(DIR.resolve("skem.pt"), dir.resolve("skem.pt"));
        Files.copy(DIR.resolve("skem.card.json"), dir.resolve("skem.card.json"));
        try (CardModel m = CardModel.load(dir.resolve("skem.pt"), Device.cpu())) {
            ModelCard card = m.card();
            assertEquals(3, card.tasks().size());
            assertEquals(48, card.attention().getFirst().rows().tokens());
            var p = m.predict(new org.kemwb.io.Picture(50, 40, new float[3 * 50 * 40]));
            assertEquals(6 * 50 * 40, p.task("semseg").values().length);
            assertEquals(3 * 50 * 40, p.task("normals").values().length);
            assertEquals(48, p.attention().getFirst().rows());
        }
    }
}
