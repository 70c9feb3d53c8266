package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CTAL against a plain-Java double computation of its equations (loops over taps and groups). */
class CtalTest {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"6, 6", "4, 10"})
    void matchesPlainJavaAndItsAttentionRowsSumToOne(int height, int width) {
        // 3 x 3 token grid per task (image 6, patch 2): the 3 x 3 kernel meets the grid border;
        // 2 x 5 (image 4 x 10): a grid with more columns than rows
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), InteractionKind.CTAL, 6, 2, 8, 1,
                1, 1, 2, 4, 2, 0.7, 6, 5, 1L, ModelConfig.STEM, 0, false).withImage(height, width).validated("test");
        int k = 3;
        int l = cfg.tokens();
        int gh = cfg.gridHeight();
        int gw = cfg.gridWidth();
        assertEquals(height / 2 * (width / 2), l);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(8);
            TaskInteraction block = TaskInteraction.create(cfg);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            NDArray conv = block.getParameters().get("affinity_conv").getArray();
            assertEquals(new Shape(k, l, k, 9), conv.getShape());
            float[] init = conv.toFloatArray();
            for (int i = 0; i < init.length; i++) {
                assertEquals(i % 9 == 4 ? 1f / k : 0f, init[i], 0f, "starts as the mean of the tasks' affinities");
            }
            conv.set(m.randomNormal(conv.getShape()).toFloatArray());
            float[] w = conv.toFloatArray();
            NDArray x = m.randomNormal(new Shape(2, k * l, 8));
            InteractionResult r = block.interact(new ParameterStore(m, false), x, false, true);
            for (int b = 0; b < 2; b++) {
                double[][] xb = Reference.matrix(x.get(b));
                double[][][] a = new double[k][][];
                double[][][] xt = new double[k][][];
                for (int s = 0; s < k; s++) {
                    xt[s] = java.util.Arrays.copyOfRange(xb, s * l, (s + 1) * l);
                    a[s] = Reference.softmax(Reference.scale(Reference.mul(xt[s], Reference.t(xt[s])), 1 / Math.sqrt(8)));
                }
                double[][] out = Reference.matrix(r.tokens().get(b));
                double[][] att = Reference.matrix(r.attention().tokenAttention().get(b));
                for (int t = 0; t < k; t++) {
                    double[][][] contribution = new double[k][l][l];
                    for (int s = 0; s < k; s++) {
                        for (int i = 0; i < l; i++) {
                            for (int y = 0; y < gh; y++) {
                                for (int xx = 0; xx < gw; xx++) {
                                    double sum = 0;
                                    for (int tap = 0; tap < 9; tap++) {
                                        int sy = y + tap / 3 - 1;
                                        int sx = xx + tap % 3 - 1;
                                        if (sy >= 0 && sy < gh && sx >= 0 && sx < gw) {
                                            sum += w[((t * l + i) * k + s) * 9 + tap] * a[s][i][sy * gw + sx];
                                        }
                                    }
                                    contribution[s][i][y * gw + xx] = sum;
                                }
                            }
                        }
                    }
                    double[][] mixed = new double[l][l];
                    for (int i = 0; i < l; i++) {
                        double total = 0;
                        for (int s = 0; s < k; s++) {
                            for (int j = 0; j < l; j++) {
                                mixed[i][j] += contribution[s][i][j];
                                total += Math.abs(contribution[s][i][j]);
                            }
                        }
                        for (int s = 0; s < k; s++) {
                            for (int j = 0; j < l; j++) {
                                assertEquals(Math.abs(contribution[s][i][j]) / total, att[t * l + i][s * l + j], 1e-5, "attention block");
                            }
                        }
                    }
                    double[][] v = Reference.linear(xt[t], Reference.weight(block, "value" + t));
                    double[][] expected = Reference.add(xt[t], Reference.scale(Reference.mul(mixed, v), 0.7));
                    InteractionReferenceTest.assertClose(expected, java.util.Arrays.copyOfRange(out, t * l, (t + 1) * l), "tokens");
                }
            }
            assertEquals(0.0, r.attention().tokenAttention().sum(new int[] {2}).sub(1f).abs().max().getFloat(), 1e-5);
        }
    }
}
