package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL interactions against an independent double-precision computation of the equations. */
class InteractionReferenceTest {
    static final double TOL = 1e-4;

    static ModelConfig smallConfig(InteractionKind kind, int side, int dim, int heads, int slots, int topK) {
        return smallConfig(kind, side, dim, heads, slots, topK, 0);
    }

    static ModelConfig smallConfig(InteractionKind kind, int side, int dim, int heads, int slots, int topK, int etfVertices) {
        // side x side tokens per task (patch 2), K = 3 tasks
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), kind, side * 2, 2, dim, heads,
                2, 2, 2, slots, topK, 0.7, 8, 5, 11L, ModelConfig.STEM, 0, false, etfVertices).validated("test");
    }

    @ParameterizedTest(name = "{0} L={1}x{1} d={2} heads={3} N={4} k={5} etf={6}")
    @CsvSource({
        "ca, 2, 8, 1, 4, 2, 0",
        "ca, 3, 8, 2, 4, 2, 0",
        "kem, 2, 8, 1, 4, 2, 0",
        "kem, 3, 8, 2, 4, 3, 0",
        "kem, 2, 8, 1, 4, 100, 0",
        "skem, 2, 8, 1, 4, 2, 0",
        "skem, 3, 12, 2, 5, 3, 0",
        "skem, 2, 8, 1, 4, 2, 6",
    })
    void matchesPlainJava(String kindName, int side, int dim, int heads, int slots, int topK, int etfVertices) {
        ModelConfig cfg = smallConfig(InteractionKind.parse(kindName), side, dim, heads, slots, topK, etfVertices);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(1234);
            TaskInteraction block = TaskInteraction.create(cfg);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, dim));
            int tokens = cfg.taskCount() * cfg.tokens();
            NDArray x = manager.randomNormal(new Shape(2, tokens, dim));
            InteractionResult result = block.interact(new ParameterStore(manager, false), x, false, true);
            double[][] etf = null;
            if (cfg.interaction() == InteractionKind.SKEM) {
                float[][] e = Etf.matrix(dim / heads, cfg.etfColumns(), cfg.etfSeed());
                etf = new double[e.length][e[0].length];
                for (int r = 0; r < e.length; r++) {
                    for (int c = 0; c < e[0].length; c++) {
                        etf[r][c] = e[r][c];
                    }
                }
            }
            for (int b = 0; b < 2; b++) {
                double[][] xb = Reference.matrix(x.get(b));
                if (cfg.interaction() == InteractionKind.CA) {
                    double[][][] ref = Reference.crossAttention(xb, block, heads, cfg.lambda());
                    assertClose(ref[0], Reference.matrix(result.tokens().get(b)), "tokens");
                    assertClose(ref[1], Reference.matrix(result.attention().tokenAttention().get(b)), "attention");
                    assertNull(result.attention().retrieve());
                } else {
                    double[][][] ref = Reference.kem(xb, block, heads, topK, cfg.lambda(), etf);
                    assertClose(ref[0], Reference.matrix(result.tokens().get(b)), "tokens");
                    assertClose(ref[1], Reference.matrix(result.attention().retrieve().get(b)), "retrieve");
                    assertClose(ref[2], Reference.matrix(result.attention().write().get(b)), "write");
                    assertClose(ref[3], Reference.matrix(result.attention().tokenAttention().get(b)), "effective");
                }
            }
            // The plain forward (no attention requested) gives the same tokens.
            InteractionResult plain = block.interact(new ParameterStore(manager, false), x, false, false);
            assertNull(plain.attention());
            assertEquals(0.0, plain.tokens().sub(result.tokens()).abs().max().getFloat(), 0.0);
        }
    }

    static void assertClose(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " cols");
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], TOL, what + "[" + i + "][" + j + "]");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"kem", "skem"})
    void effectiveAttentionRowsAndTaskMassesSumToOne(String kindName) {
        ModelConfig cfg = smallConfig(InteractionKind.parse(kindName), 3, 16, 2, 6, 3);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TaskInteraction block = TaskInteraction.create(cfg);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16));
            NDArray x = manager.randomNormal(new Shape(3, cfg.taskCount() * cfg.tokens(), 16));
            AttentionMaps maps = block.interact(new ParameterStore(manager, false), x, false, true).attention();
            NDArray rows = maps.tokenAttention().sum(new int[] {2});
            assertEquals(0.0, rows.sub(1f).abs().max().getFloat(), 1e-5, "effective attention rows sum to 1");
            NDArray mass = maps.taskMass();
            assertEquals(new Shape(3, 3, 3), mass.getShape());
            assertEquals(0.0, mass.sum(new int[] {2}).sub(1f).abs().max().getFloat(), 1e-5, "task masses sum to 1");
            // Per-task rows of the write matrix are distributions over slots too.
            assertEquals(0.0, maps.write().sum(new int[] {2}).sub(1f).abs().max().getFloat(), 1e-5);
            // Mass is a brute-force block sum of the effective attention.
            int l = cfg.tokens();
            double[][] eff = Reference.matrix(maps.tokenAttention().get(0));
            for (int t = 0; t < 3; t++) {
                for (int s = 0; s < 3; s++) {
                    double sum = 0;
                    for (int i = t * l; i < (t + 1) * l; i++) {
                        for (int j = s * l; j < (s + 1) * l; j++) {
                            sum += eff[i][j];
                        }
                    }
                    assertEquals(sum / l, mass.get(new NDIndex(0, t, s)).getFloat(), 1e-5);
                }
            }
        }
    }
}
