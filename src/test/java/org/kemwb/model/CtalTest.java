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

/** CTAL against a plain-Java double computation of its equations. */
class CtalTest {
    @Test
    void matchesPlainJavaAndItsAttentionRowsSumToOne() {
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), InteractionKind.CTAL, 4, 2, 8, 1,
                1, 1, 2, 4, 2, 0.7, 6, 5, 1L, ModelConfig.STEM, 0, false).validated("test");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(8);
            TaskInteraction block = TaskInteraction.create(cfg);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            NDArray mix = block.getParameters().get("affinity_mixing").getArray();
            mix.set(m.randomNormal(new Shape(3, 3)).toFloatArray());
            int l = cfg.tokens();
            NDArray x = m.randomNormal(new Shape(2, 3 * l, 8));
            InteractionResult r = block.interact(new ParameterStore(m, false), x, false, true);
            double[][] w = Reference.softmax(Reference.matrix(mix));
            for (int b = 0; b < 2; b++) {
                double[][] xb = Reference.matrix(x.get(b));
                double[][][] a = new double[3][][];
                double[][][] xt = new double[3][][];
                for (int s = 0; s < 3; s++) {
                    xt[s] = java.util.Arrays.copyOfRange(xb, s * l, (s + 1) * l);
                    a[s] = Reference.softmax(Reference.scale(Reference.mul(xt[s], Reference.t(xt[s])), 1 / Math.sqrt(8)));
                }
                double[][] out = Reference.matrix(r.tokens().get(b));
                double[][] att = Reference.matrix(r.attention().tokenAttention().get(b));
                for (int t = 0; t < 3; t++) {
                    double[][] mixed = new double[l][l];
                    for (int s = 0; s < 3; s++) {
                        mixed = Reference.add(mixed, Reference.scale(a[s], w[t][s]));
                        for (int i = 0; i < l; i++) {
                            for (int j = 0; j < l; j++) {
                                assertEquals(w[t][s] * a[s][i][j], att[t * l + i][s * l + j], 1e-5, "attention block");
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
