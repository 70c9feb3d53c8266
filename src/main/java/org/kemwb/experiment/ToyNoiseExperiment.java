package org.kemwb.experiment;

import org.kemwb.model.Scalars;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import java.util.function.ToDoubleFunction;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.AdamW;
import org.kemwb.util.ConfigException;

/**
 * The paper's toy experiment (fig. 1a): two signal tasks that need each other's tokens and a
 * third task of pure noise, joined by the interaction under test (see {@link ToyProblem} for the
 * data and {@link ToyNoiseNet} for the model). For every module and seed the read-outs of
 * {@link ToyReadouts} are measured on a fixed evaluation set at initialisation and every
 * {@code logEvery} steps. A module whose final loss / variance stays above
 * {@link #LEARNED_BELOW} on a signal task for some seed is reported as "did not learn": its
 * read-outs then say nothing about noise leaking into a working model.
 */
public final class ToyNoiseExperiment {
    static {
        EngineSetup.init();
    }

    /** A signal task has learned when its final loss / variance is below this. */
    public static final double LEARNED_BELOW = 0.1;
    /** Samples of the fixed evaluation set. */
    public static final int EVAL_SAMPLES = 128;

    /**
     * @param noise standard deviation of the noise task's tokens (1 = the signal tokens' scale)
     * @param jitter standard deviation of the per-token jitter around the latent in tasks 1 and 2
     * @param tokens L, tokens per task (a square number)
     * @param dim token width d
     * @param signalDim m, width of the latents u, v
     */
    public record Settings(List<InteractionKind> modules, int seeds, int steps, double noise, double jitter, int slots,
            int topK, int tokens, int dim, int signalDim, int batch, double lr, int logEvery) {
        /** The one set of defaults of the CLI ({@code kemwb toy-noise}) and the GUI page. */
        public static Settings defaults() {
            return new Settings(List.of(InteractionKind.CA, InteractionKind.KEM, InteractionKind.SKEM), 3, 1000, 1.0, 0.5,
                    20, 3, 16, 32, 8, 32, 3e-3, 20);
        }

        public Settings withRun(int newSeeds, int newSteps, double newNoise, int newTopK) {
            return new Settings(modules, newSeeds, newSteps, newNoise, jitter, slots, newTopK, tokens, dim, signalDim, batch,
                    lr, logEvery);
        }

        public Settings validated() {
            if (modules.isEmpty() || modules.contains(InteractionKind.NONE)) {
                throw new ConfigException("modules: choose among ca, kem, skem");
            }
            ConfigException.checkRange("seeds", seeds, 1, 1000);
            ConfigException.checkRange("steps", steps, 0, 1_000_000);
            ConfigException.checkRange("noise", noise, 0, 1000);
            ConfigException.checkRange("jitter", jitter, 0, 1000);
            ConfigException.checkRange("slots", slots, 1, 4096);
            ConfigException.checkRange("topK", topK, 1, 3L * tokens);
            ConfigException.checkRange("tokens", tokens, 1, 4096);
            ConfigException.checkRange("dim", dim, 4, 4096);
            ConfigException.checkRange("signalDim", signalDim, 1, 4096);
            ConfigException.checkRange("batch", batch, 1, 4096);
            ConfigException.checkRange("lr", lr, 1e-9, 1);
            ConfigException.checkRange("logEvery", logEvery, 1, 1_000_000);
            int side = (int) Math.round(Math.sqrt(tokens));
            if (side * side != tokens) {
                throw new ConfigException("tokens = " + tokens + ": must be a square number");
            }
            return this;
        }

        /** The steps at which points are measured: 0, logEvery, 2 logEvery, ..., steps. */
        public int pointsPerRun() {
            return steps / logEvery + 1 + (steps % logEvery == 0 ? 0 : 1);
        }
    }

    /**
     * One measurement of one module and seed at one step (step 0 = initialisation). Masses are
     * the mean over tasks 1 and 2; {@code retrievedNoise} is NaN for {@code ca}.
     */
    public record Point(InteractionKind module, int seed, int step, double lossTask1, double lossTask2, double selfMass,
            double otherMass, double noiseMass, double retrievedNoise, double noiseSensitivity, double signalSensitivity) {
        public static final String CSV_HEADER = "module,seed,step,loss_task1,loss_task2,mass_self,mass_other,mass_noise,"
                + "retrieved_noise_share,noise_sensitivity,signal_sensitivity";

        public String csv() {
            return String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%s,%.6f,%.6f", module.id(), seed, step,
                    lossTask1, lossTask2, selfMass, otherMass, noiseMass,
                    Double.isNaN(retrievedNoise) ? "" : String.format(Locale.ROOT, "%.6f", retrievedNoise), noiseSensitivity,
                    signalSensitivity);
        }
    }

    /** The read-outs of a {@link Point}, in table order, with their column names. */
    public enum Readout {
        LOSS_TASK1("loss t1", Point::lossTask1),
        LOSS_TASK2("loss t2", Point::lossTask2),
        SELF_MASS("mass self", Point::selfMass),
        OTHER_MASS("mass other", Point::otherMass),
        NOISE_MASS("mass noise", Point::noiseMass),
        RETRIEVED_NOISE("read noise", Point::retrievedNoise),
        NOISE_SENSITIVITY("sens noise", Point::noiseSensitivity),
        SIGNAL_SENSITIVITY("sens signal", Point::signalSensitivity);

        public final String label;
        private final ToDoubleFunction<Point> get;

        Readout(String label, ToDoubleFunction<Point> get) {
            this.label = label;
            this.get = get;
        }

        public double of(Point p) {
            return get.applyAsDouble(p);
        }

        public String csvName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** First and last point of every seed of one module. */
    public record Summary(InteractionKind module, List<Point> initial, List<Point> last) {
        public Stat initial(Readout r) {
            return Stat.of(initial.stream().map(r::of).toList());
        }

        public Stat last(Readout r) {
            return Stat.of(last.stream().map(r::of).toList());
        }

        /** "seed 1 task 2: 0.34" for every seed and signal task whose final loss is not below 0.1; empty = learned. */
        public List<String> notLearned() {
            List<String> out = new ArrayList<>();
            for (Point p : last) {
                if (!(p.lossTask1() < LEARNED_BELOW)) {
                    out.add(String.format(Locale.ROOT, "seed %d task 1: %.3f", p.seed(), p.lossTask1()));
                }
                if (!(p.lossTask2() < LEARNED_BELOW)) {
                    out.add(String.format(Locale.ROOT, "seed %d task 2: %.3f", p.seed(), p.lossTask2()));
                }
            }
            return out;
        }
    }

    private final Settings settings;

    public ToyNoiseExperiment(Settings settings) {
        this.settings = settings.validated();
    }

    public Settings settings() {
        return settings;
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
            out.add(new Summary(module, first, last));
        }
        return out;
    }

    ModelConfig modelConfig(InteractionKind module) {
        return ModelConfig.defaults().withInteraction(module).withTasks(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS))
                .withSize((int) Math.round(Math.sqrt(settings.tokens())) * 8, settings.dim())
                .withMemory(settings.slots(), settings.topK()).validated("toy-noise");
    }

    private ToyProblem sample(NDManager m, int batch) {
        Settings s = settings;
        return ToyProblem.sample(m, batch, s.tokens(), s.signalDim(), s.dim(), s.jitter(), s.noise());
    }

    private List<Point> runOne(InteractionKind module, int seed, Consumer<Point> sink, BooleanSupplier cancelled) {
        List<Point> trace = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(1000 + seed);
            ToyNoiseNet net = new ToyNoiseNet(modelConfig(module), settings.signalDim());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3L * settings.tokens(), settings.dim()));
            List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
            AdamW optimizer = new AdamW(0f);
            net.bind(new ParameterStore(manager, false));
            try (NDManager evalData = manager.newSubManager()) {
                Engine.getEngine("PyTorch").setRandomSeed(77 + seed);
                ToyProblem eval = sample(evalData, EVAL_SAMPLES);
                ToyProblem other = sample(evalData, EVAL_SAMPLES);
                for (int step = 0; step <= settings.steps(); step++) {
                    if (step % settings.logEvery() == 0 || step == settings.steps()) {
                        Point p = measure(net, manager, eval, other, module, seed, step);
                        trace.add(p);
                        sink.accept(p);
                    }
                    if (step == settings.steps() || cancelled.getAsBoolean()) {
                        break;
                    }
                    try (NDManager scope = manager.newSubManager()) {
                        Engine.getEngine("PyTorch").setRandomSeed(seed * 1_000_003 + step);
                        ToyProblem batch = sample(scope, settings.batch());
                        EngineSetup.backward(() -> {
                            NDList losses = batch.loss(net.forward(batch, true, false).predictions());
                            return losses.get(0).add(losses.get(1));
                        });
                        optimizer.update(params, (float) settings.lr());
                    }
                }
            }
        }
        return trace;
    }

    /**
     * Measures every read-out of {@code model} on {@code eval}; {@code other} supplies the
     * resampled noise and signal tokens (same shapes).
     */
    static Point measure(ToyModel model, NDManager manager, ToyProblem eval, ToyProblem other, InteractionKind module,
            int seed, int step) {
        EngineSetup.noGradOnThisThread();
        try (NDManager scope = manager.newSubManager()) {
            eval.tempAttach(scope);
            other.tempAttach(scope);
            ToyModel.Output out = model.forward(eval, false, true);
            double[][] mass = ToyReadouts.taskMass(out.attention());
            int l = out.attention().tokensPerTask();
            double retrieved = out.attention().retrieveHeads() == null ? Double.NaN
                    : ToyReadouts.retrievedShare(out.attention().retrieveHeads(), l, 2);
            NDArray pred = out.predictions();
            double noiseSensitivity = ToyReadouts.relativeChange(pred,
                    model.forward(eval.withNoise(other.noise()), false, false).predictions());
            double signalSensitivity = (ToyReadouts.relativeChange(pred,
                    model.forward(eval.withTask1(other), false, false).predictions())
                    + ToyReadouts.relativeChange(pred, model.forward(eval.withTask2(other), false, false).predictions())) / 2;
            NDList losses = eval.loss(pred);
            return new Point(module, seed, step, losses.get(0).getFloat(), losses.get(1).getFloat(),
                    ToyReadouts.selfMass(mass), ToyReadouts.otherMass(mass), ToyReadouts.noiseMass(mass), retrieved,
                    noiseSensitivity, signalSensitivity);
        }
    }

    /** Monospaced table: per module its read-outs at init and after training (mean ± std over seeds). */
    public static String table(List<Summary> summaries) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s %-5s", "module", "when"));
        for (Readout r : Readout.values()) {
            sb.append(String.format(Locale.ROOT, " %-15s", r.label));
        }
        sb.append('\n');
        for (Summary s : summaries) {
            for (boolean fin : new boolean[] {false, true}) {
                sb.append(String.format(Locale.ROOT, "%-6s %-5s", s.module().id(), fin ? "final" : "init"));
                for (Readout r : Readout.values()) {
                    Stat st = fin ? s.last(r) : s.initial(r);
                    sb.append(String.format(Locale.ROOT, " %-15s",
                            Double.isNaN(st.mean()) ? "-" : String.format(Locale.ROOT, "%.3f ± %.3f", st.mean(), st.std())));
                }
                sb.append('\n');
            }
            List<String> bad = s.notLearned();
            sb.append(String.format(Locale.ROOT, "%-6s %s%n", "", bad.isEmpty()
                    ? "learned: every seed's final loss / variance < " + LEARNED_BELOW + " on tasks 1 and 2"
                    : "DID NOT LEARN (final loss / variance >= " + LEARNED_BELOW + "): " + String.join(", ", bad)));
        }
        return sb.toString();
    }

    /** CSV: module, when (init/final), readout, mean, std, seeds. */
    public static String summaryCsv(List<Summary> summaries) {
        StringBuilder sb = new StringBuilder("module,when,readout,mean,std,seeds,learned\n");
        for (Summary s : summaries) {
            for (boolean fin : new boolean[] {false, true}) {
                for (Readout r : Readout.values()) {
                    Stat st = fin ? s.last(r) : s.initial(r);
                    sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d,%b%n", s.module().id(), fin ? "final" : "init",
                            r.csvName(), Double.isNaN(st.mean()) ? "" : String.format(Locale.ROOT, "%.6f", st.mean()),
                            Double.isNaN(st.std()) ? "" : String.format(Locale.ROOT, "%.6f", st.std()), s.last().size(),
                            s.notLearned().isEmpty()));
                }
            }
        }
        return sb.toString();
    }
}
