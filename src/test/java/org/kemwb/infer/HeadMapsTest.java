package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;

/** Per-head attention in a {@link Prediction} equals the per-head arrays the model's forward pass returns. */
class HeadMapsTest {
    static final float TOL = 1e-5f;

    static ModelConfig twoHeads(InteractionKind kind) throws Exception {
        ModelConfig c = ModelConfig.defaults().withInteraction(kind).withSize(32, 16).withMemory(6, 2);
        return org.kemwb.util.Json.copy(c, ModelConfig.class, n -> n.put("heads", 2)).validated("t");
    }

    static float[] image(long seed) {
        Random rnd = new Random(seed);
        float[] rgb = new float[3 * 32 * 32];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = rnd.nextFloat();
        }
        return rgb;
    }

    /** Entries [offset, offset + n) of a flat array. */
    static float[] slice(float[] a, int offset, int n) {
        float[] out = new float[n];
        System.arraycopy(a, offset, out, 0, n);
        return out;
    }

    @Test
    void everyHeadsRowsWriteAndReadsMatchTheForwardPass() throws Exception {
        for (InteractionKind kind : List.of(InteractionKind.KEM, InteractionKind.SKEM, InteractionKind.CA)) {
            ModelConfig c = twoHeads(kind);
            float[] rgb = image(3);
            try (LoadedModel model = LoadedModel.create(c, Device.cpu(), 4, null)) {
                Prediction p = InferenceEngine.predict(model, rgb, true);
                int k = c.taskCount();
                int l = c.tokens();
                int kl = k * l;
                int n = c.slots();
                float[] headTokens;
                float[] retrieveHeads = null;
                float[] writeHeads = null;
                float[] writeMean = null;
                try (NDManager m = model.manager().newSubManager()) {
                    AttentionMaps maps = model.infer(m, m.create(rgb, new Shape(1, 3, 32, 32)), true).attention();
                    headTokens = maps.headTokenAttention().get(0).toFloatArray();
                    if (kind != InteractionKind.CA) {
                        retrieveHeads = maps.retrieveHeads().get(0).toFloatArray();
                        writeHeads = maps.writeHeads().get(0).toFloatArray();
                        NDArray w = maps.write();
                        writeMean = w.get(0).toFloatArray();
                    }
                }
                assertEquals(2, p.headCount(), kind.id());
                int gw = p.gridWidth();
                for (int target = 0; target < k; target++) {
                    for (int cell : new int[] {0, 5, l - 1}) {
                        int i = target * l + cell;
                        for (int s = 0; s < k; s++) {
                            float[] mean = new float[l];
                            for (int h = 0; h < 2; h++) {
                                float[] want = slice(headTokens, (h * kl + i) * kl + s * l, l);
                                float[] got = p.attentionRow(target, s, cell % gw, cell / gw, h);
                                assertArrayEquals(want, got, TOL, kind.id() + " head " + h + " token " + i + " from task " + s);
                                for (int j = 0; j < l; j++) {
                                    mean[j] += got[j] / 2;
                                }
                            }
                            assertArrayEquals(p.attentionRow(target, s, cell % gw, cell / gw), mean, TOL, "the head mean");
                        }
                        if (kind == InteractionKind.CA) {
                            assertNull(p.writeWeights(target, cell % gw, cell / gw, 0), "ca has no slots");
                            continue;
                        }
                        for (int h = 0; h < 2; h++) {
                            assertArrayEquals(slice(writeHeads, (h * kl + i) * n, n), p.writeWeights(target, cell % gw, cell / gw, h), TOL);
                        }
                        assertArrayEquals(slice(writeMean, i * n, n), p.writeWeights(target, cell % gw, cell / gw, -1), TOL);
                    }
                }
                if (kind != InteractionKind.CA) {
                    for (int h = 0; h < 2; h++) {
                        for (int slot = 0; slot < n; slot++) {
                            List<Integer> want = new ArrayList<>();
                            for (int j = 0; j < kl; j++) {
                                if (retrieveHeads[(h * n + slot) * kl + j] > 0) {
                                    want.add(j);
                                }
                            }
                            List<Integer> got = new ArrayList<>(p.slotReads(slot, h).stream().map(r -> r[0] * l + r[2] * gw + r[1]).toList());
                            got.sort(null);
                            assertEquals(want, got, kind.id() + " head " + h + " slot " + slot);
                            assertEquals(c.topK(), got.size());
                        }
                    }
                }
            }
        }
    }

    @Test
    void topSlotsAreTheLargestWeightsLargestFirst() {
        float[] w = {0.1f, 0.4f, 0.05f, 0.4f, 0.05f};
        assertArrayEquals(new int[] {1, 3, 0}, Prediction.topSlots(w, 3), "ties: lower slot first");
        assertArrayEquals(new int[] {1}, Prediction.topSlots(w, 1));
        Random rnd = new Random(7);
        float[] r = new float[20];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextFloat();
        }
        int[] top = Prediction.topSlots(r, 3);
        // brute force: no other slot beats the third
        for (int i = 0; i < r.length; i++) {
            if (i != top[0] && i != top[1] && i != top[2]) {
                assertEquals(true, r[i] <= r[top[2]], "slot " + i);
            }
        }
        assertEquals(true, r[top[0]] >= r[top[1]] && r[top[1]] >= r[top[2]]);
    }
}
