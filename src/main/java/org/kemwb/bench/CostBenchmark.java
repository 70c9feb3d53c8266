package org.kemwb.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NativeAllocator;
import org.kemwb.model.Task;
import org.kemwb.model.TaskInteraction;
import org.kemwb.train.Losses;

/**
 * Cost of one training step (forward + backward) of an interaction alone and of the whole net,
 * per interaction kind and token count: median wall time and extra peak resident memory.
 */
public final class CostBenchmark {
    public record Row(String scope, InteractionKind kind, int tokens, int batch, double medianMs, double stepsPerSecond,
            double extraPeakMb) {
        public String csv() {
            return String.format(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.3f,%.1f", scope, kind.id(), tokens, batch, medianMs,
                    stepsPerSecond, extraPeakMb);
        }
    }

    public static final String CSV_HEADER = "scope,interaction,tokens_per_task,batch,median_ms,steps_per_s,extra_peak_mb";

    /** Each of the warm-up and timed phases lasts at least this long, and at most MAX_STEPS steps. */
    static final long MIN_PHASE_NS = 1_500_000_000L;
    static final int MAX_STEPS = 200;

    private final Device device;
    private final int warmup;
    private final int repeats;

    public CostBenchmark(Device device, int warmup, int repeats) {
        this.device = device;
        this.warmup = warmup;
        this.repeats = repeats;
    }

    /** Interaction alone: K tasks x L tokens x d, batch B; loss = sum of outputs squared. */
    public Row interaction(InteractionKind kind, int tasks, int tokens, int dim, int batch) {
        int side = (int) Math.round(Math.sqrt(tokens));
        ModelConfig cfg = ModelConfig.defaults().withInteraction(kind).withTasks(List.of(Task.values()).subList(0, tasks))
                .withSize(side * 8, dim);
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            TaskInteraction block = TaskInteraction.create(cfg);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, dim));
            ParameterStore ps = new ParameterStore(manager, false);
            return measure("interaction", kind, tokens, batch, scope -> {
                NDArray x = scope.randomNormal(new Shape(batch, (long) tasks * tokens, dim));
                x.setRequiresGradient(true);
                return new NDList(x);
            }, (scope, in) -> {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = block.interact(ps, in.get(0), true, false).tokens();
                    gc.backward(y.square().mean());
                }
            }, manager);
        }
    }

    /** Whole net at a given image size (tokens = (size/8)^2) with semseg, depth, normals. */
    public Row wholeNet(InteractionKind kind, int imageSize, int dim, int batch) throws Exception {
        ModelConfig cfg = ModelConfig.defaults().withInteraction(kind).withSize(imageSize, dim);
        try (LoadedModel model = LoadedModel.create(cfg, device, 1, null)) {
            return measure("net", kind, cfg.tokens(), batch, scope -> {
                NDArray images = scope.randomUniform(0f, 1f, new Shape(batch, 3, imageSize, imageSize));
                NDArray seg = scope.randomInteger(0, cfg.semsegClasses(), new Shape(batch, imageSize, imageSize), DataType.INT32)
                        .toType(DataType.FLOAT32, false);
                NDArray depth = scope.randomUniform(0.5f, 5f, new Shape(batch, 1, imageSize, imageSize));
                NDArray normals = scope.randomNormal(new Shape(batch, 3, imageSize, imageSize));
                return new NDList(images, seg, depth, normals);
            }, (scope, in) -> {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDList out = model.net().forward(model.parameterStore(scope), in.get(0), true, false).outputs();
                    NDArray loss = Losses.of(Task.SEMSEG, out.get(0), in.get(1)).add(Losses.of(Task.DEPTH, out.get(1), in.get(2)))
                            .add(Losses.of(Task.NORMALS, out.get(2), in.get(3)));
                    gc.backward(loss);
                }
            }, model.manager());
        }
    }

    /**
     * Median time of {@code step} (forward + backward, and freeing the step's arrays) on inputs
     * made by {@code inputs} outside the timed region.
     */
    private Row measure(String scope, InteractionKind kind, int tokens, int batch, Function<NDManager, NDList> inputs,
            BiConsumer<NDManager, NDList> step, NDManager parent) {
        // peak over warm-up and timed steps, relative to the RSS before them: the allocator
        // keeps freed blocks, so measuring only after warm-up would hide the working set
        System.gc();
        // the tuned allocator keeps the previous case's freed blocks resident: give them back
        // first, so that the baseline is what this process needs, not what it kept
        NativeAllocator.releaseFree();
        boolean peakOk = ProcessMemory.resetPeak();
        long base = ProcessMemory.rssBytes();
        // warm up for at least `warmup` steps and MIN_PHASE_NS (the JIT compiles the Java side
        // of a step only after some hundred calls: 2 steps left small cases 2-3x slow), then time
        // at least `repeats` steps and MIN_PHASE_NS; bench/*_torch.py use the same rule
        long warmStart = System.nanoTime();
        for (int i = 0; i < MAX_STEPS && (i < warmup || System.nanoTime() - warmStart < MIN_PHASE_NS); i++) {
            try (NDManager s = parent.newSubManager()) {
                step.accept(s, inputs.apply(s));
            }
        }
        List<Double> times = new ArrayList<>();
        long timedStart = System.nanoTime();
        for (int i = 0; i < MAX_STEPS && (i < repeats || System.nanoTime() - timedStart < MIN_PHASE_NS); i++) {
            long t0;
            try (NDManager s = parent.newSubManager()) {
                NDList in = inputs.apply(s);
                t0 = System.nanoTime();
                step.accept(s, in);
            }
            times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(Double::compare);
        double median = times.get(times.size() / 2);
        double extra = peakOk ? (ProcessMemory.peakBytes() - base) / 1048576.0 : Double.NaN;
        return new Row(scope, kind, tokens, batch, median, 1000.0 / median, extra);
    }
}
