package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NetOutput;
import org.junit.jupiter.api.Test;

class MemoryReadoutsTest {
    /** K = 2 tasks of L = 4 tokens (2 x 2 grid), 2 heads with one slot each reading k = 2 tokens, 3 images. */
    static final int[][][] READS = {
        {{0, 1}, {4, 5}},
        {{0, 1}, {4, 6}},
        {{0, 2}, {7, 5}},
    };

    @Test
    void slotReadOutsMatchCountingByHand() {
        int k = 2;
        int l = 4;
        int heads = 2;
        List<float[]> retrieve = new ArrayList<>();
        List<float[]> mass = new ArrayList<>();
        for (int[][] image : READS) {
            float[] w = new float[heads * k * l];
            for (int h = 0; h < heads; h++) {
                for (int j : image[h]) {
                    w[h * k * l + j] = 0.5f;
                }
            }
            retrieve.add(w);
            mass.add(new float[] {0.25f, 0.75f, 0.5f, 0.5f});
        }
        var r = MemoryReadouts.fromArrays(k, l, mass, retrieve, heads, 1, 2, null, 0, 3);
        assertEquals(4.0, r.distinctMean(), 0.0);
        assertEquals(0.0, r.distinctStd(), 0.0);
        assertEquals(7, r.distinctUnion(), "tokens 0,1,2,4,5,6,7");
        assertEquals(4, r.readsPerImage());
        // position repeat by brute force over image pairs, per head-slot
        double sum = 0;
        for (int h = 0; h < heads; h++) {
            double pairs = 0;
            double overlap = 0;
            for (int i = 0; i < READS.length; i++) {
                for (int j = i + 1; j < READS.length; j++) {
                    Set<Integer> a = new TreeSet<>(List.of(READS[i][h][0], READS[i][h][1]));
                    a.retainAll(List.of(READS[j][h][0], READS[j][h][1]));
                    overlap += a.size() / 2.0;
                    pairs++;
                }
            }
            sum += overlap / pairs;
            assertEquals(overlap / pairs, r.slotRepeat()[h][0], 1e-12, "head " + h + " slot 0");
        }
        assertEquals(sum / heads, r.positionRepeat(), 1e-12);
        assertEquals(0.5, r.positionRepeat(), 1e-12, "(2/3 + 1/3) / 2");
        assertEquals(2.0 / 8, r.chanceRepeat(), 1e-12);
        // token 0 read 3 times of 12; then 1, 4, 5 twice each (ties by index)
        assertEquals(List.of(0, 1, 4), r.topPositions().stream().map(MemoryReadouts.Position::token).toList());
        MemoryReadouts.Position p4 = r.topPositions().get(2);
        assertEquals(1, p4.task());
        assertEquals(0, p4.row());
        assertEquals(0, p4.col());
        assertEquals(3.0 / 12, r.topPositions().get(0).share(), 1e-12);
        MemoryReadouts.Position p1 = r.topPositions().get(1);
        assertEquals(0, p1.row());
        assertEquals(1, p1.col());
        // head 0 reads task 0 only, head 1 task 1 only; each reads 2 tokens per image
        assertEquals(List.of(1.0, 0.0), List.of(r.headTaskShare()[0][0], r.headTaskShare()[0][1]));
        assertEquals(List.of(0.0, 1.0), List.of(r.headTaskShare()[1][0], r.headTaskShare()[1][1]));
        assertEquals(2.0, r.headDistinctMean()[0], 1e-12);
        assertEquals(2.0, r.headDistinctMean()[1], 1e-12);
        assertEquals(0.25, r.taskMassMean()[0][0], 1e-7);
        assertEquals(0.0, r.taskMassStd()[0][0], 1e-7);
    }

    @Test
    void crossAttentionHeadSharesAreTheMeanMassOfEachHead() {
        int k = 2;
        int l = 1;
        // one image, 2 heads, 2 tokens: head 0 rows (1, 0), (0.5, 0.5); head 1 rows (0, 1), (0.2, 0.8)
        float[] att = {1, 0, 0.5f, 0.5f, 0, 1, 0.2f, 0.8f};
        var r = MemoryReadouts.fromArrays(k, l, List.<float[]>of(new float[] {1, 0, 0, 1}), null, 0, 0, 3, List.of(att), 2, 5);
        assertEquals(0.75, r.headTaskShare()[0][0], 1e-7);
        assertEquals(0.25, r.headTaskShare()[0][1], 1e-7);
        assertEquals(0.1, r.headTaskShare()[1][0], 1e-7);
        assertEquals(0.9, r.headTaskShare()[1][1], 1e-7);
        assertTrue(Double.isNaN(r.distinctMean()));
    }

    static ModelConfig tiny(InteractionKind kind) {
        return ModelConfig.defaults().withInteraction(kind).withSize(32, 16).withMemory(6, 2);
    }

    @Test
    void perHeadMapsAverageToTheStoredMapsAndEverySlotReadsKTokens() throws Exception {
        for (InteractionKind kind : List.of(InteractionKind.KEM, InteractionKind.SKEM, InteractionKind.CA)) {
            ModelConfig c = org.kemwb.util.Json.copy(tiny(kind), ModelConfig.class, n -> n.put("heads", 2)).validated("t");
            try (LoadedModel model = LoadedModel.create(c, Device.cpu(), 4, null); NDManager m = model.manager().newSubManager()) {
                NDArray img = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
                NetOutput out = model.infer(m, img, true);
                AttentionMaps maps = out.attention();
                assertTrue(maps.headTokenAttention().mean(new int[] {1}).sub(maps.tokenAttention()).abs().max().getFloat() < 1e-6);
                if (kind != InteractionKind.CA) {
                    assertEquals(new Shape(2, 2, 6, 3 * 16), maps.retrieveHeads().getShape());
                    assertTrue(maps.retrieveHeads().mean(new int[] {1}).sub(maps.retrieve()).abs().max().getFloat() < 1e-6);
                    long[] perRow = maps.retrieveHeads().gt(0f).toType(ai.djl.ndarray.types.DataType.INT32, false)
                            .sum(new int[] {3}).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    for (long reads : perRow) {
                        assertEquals(2, reads, kind + ": a freshly initialised slot reads k tokens");
                    }
                }
            }
        }
    }

    @Test
    void measureOnAModelCountsNkhReadsPerImage() throws Exception {
        ModelConfig c = org.kemwb.util.Json.copy(tiny(InteractionKind.KEM), ModelConfig.class, n -> n.put("heads", 2))
                .validated("t");
        Random rnd = new Random(1);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] rgb = new float[3 * 32 * 32];
            for (int j = 0; j < rgb.length; j++) {
                rgb[j] = rnd.nextFloat();
            }
            images.add(rgb);
        }
        try (LoadedModel model = LoadedModel.create(c, Device.cpu(), 4, null)) {
            var r = MemoryReadouts.measure(model, images, 5);
            assertEquals(6 * 2 * 2, r.readsPerImage());
            assertEquals(3, r.images());
            assertTrue(r.distinctMean() >= 2 && r.distinctMean() <= 24, "distinct " + r.distinctMean());
            for (double[] row : r.taskMassMean()) {
                assertEquals(1.0, row[0] + row[1] + row[2], 1e-4);
            }
            for (double[] row : r.headTaskShare()) {
                assertEquals(1.0, row[0] + row[1] + row[2], 1e-9);
            }
            String text = MemoryReadouts.format(r, List.of("semseg", "depth", "normals"));
            assertTrue(text.contains("reads per image (N k h): 24"), text);
        }
    }
}
