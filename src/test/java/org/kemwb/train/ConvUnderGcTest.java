package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kemwb.model.AttentionOps;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.Task;

/**
 * DJL Conv2d layers trained with the project's losses give the same gradients when garbage
 * collection runs between forward and backward as without it. Guards against the scalar
 * use-after-free (STACK.md): a {@code mul(Number)}-style scalar on the gradient path is freed by
 * the collection while autograd still holds it, and backward then reads freed memory (NaN first in
 * the input gradient, then the conv weights). Net as in the repro: conv 3->32 k3,
 * conv 32->32 k3 s2, 1x1 conv head (semseg 4 classes + depth + edges).
 */
class ConvUnderGcTest {
    static final int BATCH = 4;
    static final int SIZE = 32;

    /** Gradients of every parameter and of the input after one forward+backward, in a fixed order. */
    static List<float[]> gradients(long seed, boolean collectGarbage) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SequentialBlock net = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
                    .add(Activation::relu)
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
                            .setFilters(32).build())
                    .add(Activation::relu)
                    .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(6).build());
            net.initialize(m, DataType.FLOAT32, new Shape(BATCH, 3, SIZE, SIZE));
            NDArray image = m.randomUniform(0, 1, new Shape(BATCH, 3, SIZE, SIZE));
            image.setRequiresGradient(true);
            int half = SIZE / 2;
            NDArray classes = m.randomInteger(0, 4, new Shape(BATCH, half, half), DataType.INT32).toType(DataType.FLOAT32, false);
            NDArray depth = m.randomUniform(0.5f, 5f, new Shape(BATCH, 1, half, half));
            NDArray edges = m.randomInteger(0, 2, new Shape(BATCH, 1, half, half), DataType.INT32).toType(DataType.FLOAT32, false);
            EngineSetup.AUTOGRAD.lock();
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = net.forward(new ParameterStore(m, false), new NDList(image), true).singletonOrThrow();
                NDArray loss = Losses.of(Task.SEMSEG, out.get(new NDIndex(":, 0:4")), classes)
                        .add(Losses.of(Task.DEPTH, out.get(new NDIndex(":, 4:5")), depth))
                        .add(AttentionOps.scale(Losses.of(Task.EDGES, out.get(new NDIndex(":, 5:6")), edges), 0.5));
                if (collectGarbage) {
                    for (int i = 0; i < 3; i++) {
                        System.gc(); // direct buffers of dropped scalars are freed by the collector's cleaner
                        Thread.sleep(20);
                    }
                }
                collector.backward(loss);
            } finally {
                EngineSetup.AUTOGRAD.unlock();
            }
            List<float[]> grads = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                grads.add(p.getValue().getArray().getGradient().toFloatArray());
            }
            grads.add(image.getGradient().toFloatArray());
            return grads;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void gradientsAreTheSameWithGarbageCollectionInsideTheStep(long seed) throws Exception {
        List<float[]> clean = gradients(seed, false);
        for (int trial = 0; trial < 3; trial++) {
            List<float[]> collected = gradients(seed, true);
            assertEquals(clean.size(), collected.size());
            for (int i = 0; i < clean.size(); i++) {
                String what = i == clean.size() - 1 ? "input gradient" : "parameter " + i + " gradient";
                for (float v : collected.get(i)) {
                    assertFalse(Float.isNaN(v) || Float.isInfinite(v), what + " is not finite (trial " + trial + ")");
                }
                float[] a = clean.get(i);
                float[] b = collected.get(i);
                float scale = 0;
                for (float v : a) {
                    scale = Math.max(scale, Math.abs(v));
                }
                // same computation, same seed: only the order of multi-threaded sums may differ
                assertArrayEquals(a, b, 1e-4f * Math.max(scale, 1e-6f), what + " (trial " + trial + ")");
            }
        }
    }
}
