package org.kemwb.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The card of the committed tiny model reads into the values its JSON states. */
class ModelCardTest {
    static final Path TINY = Path.of("src", "test", "resources", "org", "kemwb", "card", "tiny");

    @Test
    void readsTheTinyModelsCard() throws Exception {
        ModelCard card = ModelCard.load(TINY.resolve("model.card.json"));
        assertEquals(64, card.input().height());
        assertEquals(96, card.input().width());
        assertTrue(card.input().fixed());
        assertFalse(card.input().bgr());
        assertEquals(1, card.input().range());
        assertEquals(0.456, card.input().mean()[1], 1e-12);
        assertEquals(0.225, card.input().std()[2], 1e-12);
        assertEquals(List.of("semseg", "depth"), card.tasks().stream().map(ModelCard.TaskSpec::name).toList());
        ModelCard.TaskSpec seg = card.tasks().get(0);
        assertEquals(ModelCard.Kind.SEGMENTATION, seg.kind());
        assertEquals(40, seg.channels());
        assertEquals("wall", seg.classes().get(0).name());
        assertEquals("other prop", seg.classes().get(39).name());
        assertEquals(1.0, card.tasks().get(1).metresPerUnit());
        assertEquals(1, card.tasks().get(1).channels());

        ModelCard.AttentionSpec enc = card.attention().get(0);
        assertTrue(enc.headsKept());
        assertEquals(29, enc.rows().tokens());
        assertEquals(5, enc.rows().start(0));
        assertEquals(5 + 6 + 5, enc.rows().index(0, 1, 5));
        assertNull(enc.rows().groups().get(0).task());
        ModelCard.AttentionSpec joint = card.attention().get(1);
        assertFalse(joint.headsKept());
        assertEquals(48, joint.columns().tokens());
        assertEquals(24, joint.columns().start(1));
        assertEquals("depth", joint.columns().groups().get(1).task());
        assertEquals("joint", joint.source()); // found by the exporter (nn.MultiheadAttention)
    }

    @Test
    void patchGroupsTakeTheirGridFromTheInputSize() throws Exception {
        var json = org.kemwb.util.Json.MAPPER.readTree("""
                {"input": {"multipleOf": 16, "maxSide": 256},
                 "tasks": [{"name": "s", "kind": "segmentation", "preset": "parts7"}, {"name": "d", "kind": "depth", "unit": "metres"}],
                 "attention": [{"name": "joint", "heads": "kept",
                   "rows": {"prefix": 1, "groups": [{"task": "s", "patch": 8}, {"task": "d", "patch": 16}]},
                   "columns": {"groups": [{"grid": [3, 5]}]}}]}""");
        ModelCard card = ModelCard.parse(json, "any.card.json");
        ModelCard.AttentionSpec a = card.attention().getFirst();
        assertFalse(a.rows().resolved(), "a patch grid waits for the input size");
        assertTrue(a.columns().resolved());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> a.rows().tokens());
        // 48 x 80 input: 6 x 10 tokens of 8 px, 3 x 5 of 16 px; a 64 x 96 input: 8 x 12 and 4 x 6
        ModelCard.AttentionSpec small = a.at(48, 80);
        assertEquals(List.of(6, 10, 3, 5), List.of(small.rows().groups().get(0).height(), small.rows().groups().get(0).width(),
                small.rows().groups().get(1).height(), small.rows().groups().get(1).width()));
        assertEquals(1 + 60 + 15, small.rows().tokens());
        assertEquals(1 + 60 + 2 * 5 + 4, small.rows().index(1, 2, 4), "second group starts after the prefix and the first grid");
        assertEquals(1 + 96 + 24, a.at(64, 96).rows().tokens());
        assertEquals(15, small.columns().tokens(), "a fixed grid stays fixed");
        assertEquals("s", small.rows().groups().get(0).task());
        // a fixed input resolves patch groups when the card is read
        ModelCard fixed = ModelCard.parse(org.kemwb.util.Json.MAPPER.readTree("""
                {"input": {"height": 40, "width": 72}, "tasks": [{"name": "d", "kind": "depth", "unit": "metres"}],
                 "attention": [{"name": "e", "heads": "averaged", "rows": {"groups": [{"patch": 8}]}, "columns": {"prefix": 2, "groups": [{"patch": 8}]}}]}"""),
                "fixed.card.json");
        assertEquals(5 * 9, fixed.attention().getFirst().rows().tokens());
        assertEquals(2 + 5 * 9, fixed.attention().getFirst().columns().tokens());
    }

    @Test
    void vocColoursFollowTheBitInterleavedMap() {
        // the PASCAL VOC colour map: 0 black, 1 (128,0,0), 2 (0,128,0), 3 (128,128,0), 15 person (192,128,128)
        assertEquals(0x000000, SegmentationPresets.vocColour(0));
        assertEquals(0x800000, SegmentationPresets.vocColour(1));
        assertEquals(0x008000, SegmentationPresets.vocColour(2));
        assertEquals(0x808000, SegmentationPresets.vocColour(3));
        assertEquals(0xc08080, SegmentationPresets.vocColour(15));
        assertEquals(21, SegmentationPresets.get("pascal-context").size());
        assertEquals("lower leg", SegmentationPresets.get("parts7").get(6).name());
    }

    @Test
    void cardPathSitsBesideTheModel() {
        assertEquals(Path.of("d", "model.card.json"), ModelCard.cardPath(Path.of("d", "model.pt")));
    }
}
