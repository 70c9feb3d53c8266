package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * At inference a ViT block leaves no L x L attention tensor in the caller's scope: the scores,
 * their scaled copy and the softmax are freed when the block returns, so a forward at photo size
 * holds one block's attention at a time (a 744x992 input at patch 8 has L = 11532 tokens per task,
 * 1 GiB per such tensor, 12 blocks in a 3-task forward; before, `kemwb infer --input-size 744x992`
 * was killed for memory at 22.8 GB, now it peaks at 5.9 GB). Training keeps them for backward.
 */
class VitBlockScopeTest {
    static final int L = 40;

    static long squareTensors(NDManager scope) {
        return scope.getManagedArrays().stream().filter(a -> {
            Shape s = a.getShape();
            int n = s.dimension();
            return n >= 2 && s.get(n - 1) == L && s.get(n - 2) == L;
        }).count();
    }

    @Test
    void inferenceFreesTheAttentionMatricesAndGivesTheSameOutput() {
        try (NDManager root = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            EngineSetup.noGradOnThisThread();
            VitBlock block = new VitBlock(16, 2, 2);
            block.initialize(root, DataType.FLOAT32, new Shape(1, L, 16));
            ParameterStore ps = new ParameterStore(root, false);
            float[] x = new float[L * 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(0.37 * i);
            }
            float[] inference;
            float[] training;
            try (NDManager scope = root.newSubManager()) {
                NDArray in = scope.create(x, new Shape(1, L, 16));
                NDList out = block.forward(ps, new NDList(in), false);
                assertEquals(0, squareTensors(scope), "L x L tensors left in the caller's scope after an inference forward");
                inference = out.singletonOrThrow().toFloatArray();
                assertEquals(List.of(in), scope.getManagedArrays().stream().filter(a -> a == in).toList(), "the input stays where it was");
            }
            try (NDManager scope = root.newSubManager()) {
                NDList out = block.forward(ps, new NDList(scope.create(x, new Shape(1, L, 16))), true);
                training = out.singletonOrThrow().toFloatArray();
                assertEquals(true, squareTensors(scope) > 0, "a training forward keeps them (autograd needs them)");
            }
            assertArrayEquals(training, inference, 0f);
        }
    }
}
