package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class AttentionOpsTest {

    @Test
    void everyRowKeepsExactlyKWeightsSummingToOne() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray scores = m.randomNormal(new Shape(4, 7, 30));
            NDArray a = AttentionOps.topKSoftmax(scores, 3);
            float[] w = a.toFloatArray();
            float[] s = scores.toFloatArray();
            for (int row = 0; row < 28; row++) {
                int nonZero = 0;
                double sum = 0;
                float minKept = Float.POSITIVE_INFINITY;
                float maxDropped = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < 30; j++) {
                    float v = w[row * 30 + j];
                    sum += v;
                    if (v > 0) {
                        nonZero++;
                        minKept = Math.min(minKept, s[row * 30 + j]);
                    } else {
                        maxDropped = Math.max(maxDropped, s[row * 30 + j]);
                    }
                }
                assertEquals(3, nonZero, "row " + row);
                assertEquals(1.0, sum, 1e-6);
                assertTrue(minKept >= maxDropped, "kept entries are the largest ones");
            }
        }
    }

    @Test
    void tiesStillKeepExactlyK() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray scores = m.create(new float[] {1, 1, 1, 1, 0, 2, 2, 2, 2, 2}, new Shape(2, 5));
            float[] w = AttentionOps.topKSoftmax(scores, 2).toFloatArray();
            for (int row = 0; row < 2; row++) {
                int nonZero = 0;
                for (int j = 0; j < 5; j++) {
                    if (w[row * 5 + j] > 0) {
                        nonZero++;
                        assertEquals(0.5, w[row * 5 + j], 1e-6, "tied winners share equally");
                    }
                }
                assertEquals(2, nonZero);
            }
            assertEquals(0f, w[4], "the lowest entry of row 0 is never among the tied winners");
        }
    }

    @Test
    void kAtLeastRowLengthIsPlainSoftmax() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray scores = m.randomNormal(new Shape(3, 5));
            NDArray plain = scores.softmax(-1);
            for (int k : new int[] {5, 6, 1000}) {
                assertEquals(0f, AttentionOps.topKSoftmax(scores, k).sub(plain).abs().max().getFloat(), 1e-7f);
            }
            float[] one = AttentionOps.topKSoftmax(scores, 1).toFloatArray();
            float[] argmax = scores.argMax(-1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            for (int r = 0; r < 3; r++) {
                assertEquals(1f, one[r * 5 + (int) argmax[r]], 1e-7f, "k=1 is a hard arg-max");
            }
        }
    }

    @Test
    void maskedEntriesGetZeroGradient() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray scores = m.randomNormal(new Shape(6, 12));
            scores.setRequiresGradient(true);
            NDArray weights = m.randomNormal(new Shape(6, 12));
            NDArray a;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                a = AttentionOps.topKSoftmax(scores, 4);
                gc.backward(a.mul(weights).sum());
            }
            float[] kept = a.toFloatArray();
            float[] grad = scores.getGradient().toFloatArray();
            int nonZeroGradOnKept = 0;
            for (int i = 0; i < kept.length; i++) {
                if (kept[i] == 0f) {
                    assertEquals(0f, grad[i], "masked entry " + i + " must get zero gradient");
                } else if (grad[i] != 0f) {
                    nonZeroGradOnKept++;
                }
            }
            assertTrue(nonZeroGradOnKept >= 6 * 3, "kept entries receive gradient");
        }
    }
}
