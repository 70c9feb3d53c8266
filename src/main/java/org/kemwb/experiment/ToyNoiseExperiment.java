package org.kemwb.experiment;

import org.kemwb.model.Scalars;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.AdamW;
import org.kemwb.util.ConfigException;

/**
 * The paper's toy experiment (fig. 1a): three tasks, where task 1 must predict the mean of
 * task 2's token signal and task 2 the mean of task 1's, and task 3 is pure Gaussian noise with
 * no loss. For each interaction we measure, at initialisation and while training: the attention
 * mass tasks 1 and 2 put on task 3, how much their predictions move when only the noise is
 * resampled (relative to the prediction norm), and their losses relative to the target variance.
 */
public final class ToyNoiseExperiment {
    static {
        EngineSetup.init();
    }

    public record Settings(List<InteractionKind> modules, int seeds, int steps, double noise, int slots, int topK,
            int tokens, int dim, int signalDim, int batch, double lr, int logEvery) {
        public static Settings defaults() {
            return new Settings(List.of(InteractionKind.CA, InteractionKind.KEM, InteractionKind.SKEM), 3, 300, 1.0, 20, 3,
                    16, 32, 8, 16, 3e-3, 10);
        }

        public Settings validated() {
            if (modules.isEmpty() || modules.contains(InteractionKind.NONE)) {
                throw new ConfigException("modules: choose among ca, kem, skem");
            }
            ConfigException.checkRange("seeds", seeds, 1, 1000);
            ConfigException.checkRange("steps", steps, 0, 1_000_000);
            ConfigException.checkRange("noise", noise, 0, 1000);
            ConfigException.checkRange("slots", slots, 1, 4096);
            ConfigException.checkRange("topK", topK, 1, 3L * tokens);
            ConfigException.checkRange("tokens", tokens, 1, 4096);
            ConfigException.checkRange("dim", dim, 4, 4096);
            ConfigException.checkRange("signalDim", signalDim, 1, 4096);
            ConfigException.checkRange("batch", batch, 1, 4096);
            ConfigException.checkRange("lr", lr, 1e-9, 1);
            ConfigException.checkRange("logEvery", logEvery, 1, 1_000_000);
            return this;
        }
    }

    /** One measurement of one module and seed at one step (step 0 = initialisation). */
    public record Point(InteractionKind module, int seed, int step, double massOnNoise, double noiseSensitivity,
            double lossTask1, double lossTask2) {
        public static final String CSV_HEADER = "module,seed,step,mass_on_noise,noise_sensitivity,loss_task1,loss_task2";

        public String csv() {
            return String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f", module.id(), seed, step, massOnNoise,
                    noiseSensitivity, lossTask1, lossTask2);
        }
    }

    public record Summary(InteractionKind module, Stat initMass, Stat finalMass, Stat initSensitivity,
            Stat finalSensitivity, Stat finalLoss1, Stat finalLoss2) {}

    private final Settings settings;

    public ToyNoiseExperiment(Settings settings) {
        this.settings = settings.validated();
    }

    /** Runs every module and seed; each measured point goes to {@code points} as it is made. */
    public List<Summary> run(Consumer<Point> points, BooleanSupplier cancelled) {
        List<Summary> out = new ArrayList<>();
        for (InteractionKind module : settings.modules()) {
            List<Point> first = new ArrayList<>();
            List<Point> last = new ArrayList<>();
            for (int seed = 0; seed < settings.seeds() && !cancelled.getAsBoolean(); seed++) {
                List<Point> trace = runOne(module, seed, points, cancelled);
                first.add(trace.getFirst());
                last.add(trace.getLast());
            }
            if (first.isEmpty()) {
                break;
            }
            out.add(new Summary(module, Stat.of(first.stream().map(Point::massOnNoise).toList()),
                    Stat.of(last.stream().map(Point::massOnNoise).toList()),
                    Stat.of(first.stream().map(Point::noiseSensitivity).toList()),
                    Stat.of(last.stream().map(Point::noiseSensitivity).toList()),
                    Stat.of(last.stream().map(Point::lossTask1).toList()),
                    Stat.of(last.stream().map(Point::lossTask2).toList())));
        }
        return out;
    }

    ModelConfig modelConfig(InteractionKind module) {
        return ModelConfig.defaults().withInteraction(module).withTasks(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS))
                .withSize((int) Math.round(Math.sqrt(settings.tokens())) * 8, settings.dim())
                .withMemory(settings.slots(), settings.topK()).validated("toy-noise");
    }

    private List<Point> runOne(InteractionKind module, int seed, Consumer<Point> sink, BooleanSupplier cancelled) {
        int side = (int) Math.round(Math.sqrt(settings.tokens()));
        if (side * side != settings.tokens()) {
            throw new ConfigException("tokens = " + settings.tokens() + ": must be a square number");
        }
        List<Point> trace = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(1000 + seed);
            ToyNoiseNet net = new ToyNoiseNet(modelConfig(module), settings.signalDim(), settings.signalDim());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3L * settings.tokens(), settings.signalDim()));
            List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
            AdamW optimizer = new AdamW(0f);
            ParameterStore ps = new ParameterStore(manager, false);
            try (NDManager evalData = manager.newSubManager()) {
                Engine.getEngine("PyTorch").setRandomSeed(77 + seed);
                Problem eval = Problem.sample(evalData, 64, settings);
                NDArray otherNoise = Scalars.mul(evalData.randomNormal(new Shape(64, settings.tokens(), settings.signalDim())),
                        settings.noise());
                for (int step = 0; step <= settings.steps(); step++) {
                    if (step % settings.logEvery() == 0 || step == settings.steps()) {
                        Point p = measure(net, ps, manager, eval, otherNoise, module, seed, step);
                        trace.add(p);
                        sink.accept(p);
                    }
                    if (step == settings.steps() || cancelled.getAsBoolean()) {
                        break;
                    }
                    try (NDManager scope = manager.newSubManager()) {
                        Engine.getEngine("PyTorch").setRandomSeed(seed * 1_000_003 + step);
                        Problem batch = Problem.sample(scope, settings.batch(), settings);
                        EngineSetup.backward(() -> {
                            ai.djl.ndarray.NDList losses = batch.loss(net.forward(ps, batch.inputs(), true, false).predictions());
                            return losses.get(0).add(losses.get(1));
                        });
                        optimizer.update(params, (float) settings.lr());
                    }
                }
            }
        }
        return trace;
    }

    private Point measure(ToyNoiseNet net, ParameterStore ps, NDManager manager, Problem eval, NDArray otherNoise,
            InteractionKind module, int seed, int step) {
        EngineSetup.noGradOnThisThread();
        try (NDManager scope = manager.newSubManager()) {
            ToyNoiseNet.Output out = net.forward(ps, eval.inputs(), false, true);
            AttentionMaps maps = out.interaction().attention();
            NDArray mass = maps.taskMass(); // (B, 3, 3)
            double onNoise = mass.get(new NDIndex(":, 0:2, 2")).mean().getFloat();
            NDArray pred = out.predictions();
            NDArray pred2 = net.forward(ps, eval.withNoise(otherNoise).inputs(), false, false).predictions();
            NDArray p12 = pred.get(new NDIndex(":, 0:2, :"));
            double change = pred2.get(new NDIndex(":, 0:2, :")).sub(p12).norm().getFloat()
                    / Math.max(1e-12, p12.norm().getFloat());
            var losses = eval.loss(pred);
            return new Point(module, seed, step, onNoise, change, losses.get(0).getFloat(), losses.get(1).getFloat());
        }
    }

    /** Task inputs a, b, noise (B, L, m) and targets mean(b), mean(a). */
    record Problem(NDArray a, NDArray b, NDArray noise) {
        static Problem sample(NDManager m, int batch, Settings s) {
            Shape shape = new Shape(batch, s.tokens(), s.signalDim());
            return new Problem(m.randomNormal(shape), m.randomNormal(shape), Scalars.mul(m.randomNormal(shape), s.noise()));
        }

        Problem withNoise(NDArray otherNoise) {
            return new Problem(a, b, otherNoise);
        }

        NDArray inputs() {
            return a.concat(b, 1).concat(noise, 1);
        }

        /** Mean squared error of tasks 1 and 2 divided by their target variance (1 = predicting 0). */
        ai.djl.ndarray.NDList loss(NDArray pred) {
            NDArray t1 = b.mean(new int[] {1});
            NDArray t2 = a.mean(new int[] {1});
            NDArray l1 = pred.get(new NDIndex(":, 0, :")).sub(t1).square().mean().div(t1.square().mean());
            NDArray l2 = pred.get(new NDIndex(":, 1, :")).sub(t2).square().mean().div(t2.square().mean());
            return new ai.djl.ndarray.NDList(l1, l2);
        }
    }
}
