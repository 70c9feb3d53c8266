package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class NexusFlowTest {
    static ModelConfig config(double lambda) {
        return new ModelConfig(java.util.List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), InteractionKind.NEXUSFLOW, 8, 2, 8, 1,
                1, 1, 2, 4, 2, lambda, 6, 5, 1L, ModelConfig.STEM, 0, false).validated("test");
    }

    @Test
    void everyTaskFlowIsInvertible() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(3);
            NexusFlowInteraction block = (NexusFlowInteraction) TaskInteraction.create(config(1));
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            // larger weights than the init so the test is not trivially near the identity
            block.getParameters().forEach(p -> p.getValue().getArray().muli(40f));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 16, 8));
            for (int t = 0; t < 3; t++) {
                NDArray z = block.flow(ps, t, x, false, false);
                assertTrue(z.sub(x).abs().max().getFloat() > 1e-2, "the flow is not the identity");
                NDArray back = block.flow(ps, t, z, false, true);
                assertEquals(0f, back.sub(x).abs().max().getFloat(), 1e-4f, "task " + t + ": f^-1(f(x)) = x");
            }
        }
    }

    @Test
    void lambdaZeroKeepsTheTokensAndThereIsNoAttention() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TaskInteraction block = TaskInteraction.create(config(0));
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            NDArray x = m.randomNormal(new Shape(2, 3 * 16, 8));
            InteractionResult r = block.interact(new ParameterStore(m, false), x, false, true);
            assertEquals(0f, r.tokens().sub(x).abs().max().getFloat(), 1e-6f);
            assertNull(r.attention());
            // with lambda 1 every task is replaced by its view of the shared code: tasks now depend on each other
            TaskInteraction mixing = TaskInteraction.create(config(1));
            mixing.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
            NDArray y1 = mixing.interact(new ParameterStore(m, false), x, false, false).tokens();
            NDArray x2 = x.duplicate();
            x2.set(new ai.djl.ndarray.index.NDIndex(":, 32:48, :"), 5f); // change only task 3
            NDArray y2 = mixing.interact(new ParameterStore(m, false), x2, false, false).tokens();
            assertTrue(y2.get(":, 0:16, :").sub(y1.get(":, 0:16, :")).abs().max().getFloat() > 1e-3, "task 1 sees task 3");
        }
    }
}
