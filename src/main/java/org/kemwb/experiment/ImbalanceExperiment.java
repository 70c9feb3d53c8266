package org.kemwb.experiment;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.kemwb.data.SortOfClevr;
import org.kemwb.data.SortOfClevr.Distribution;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.AdamW;
import org.kemwb.util.ConfigException;

/**
 * The paper's imbalance experiment (table 1): the relational model with {@code kem} or
 * {@code skem} trained on balanced and on long-tailed (power-law) Sort-of-CLEVR, each evaluated
 * on the same balanced test set, over several seeds. Reports overall accuracy, accuracy per
 * question family, and accuracy on questions about the rarest colours (the tail).
 */
public final class ImbalanceExperiment {
    static {
        EngineSetup.init();
    }

    /** Colours counted as the tail: the three least frequent under the power law. */
    static final int TAIL_FROM = 3;

    public record Settings(List<InteractionKind> modules, List<Distribution> distributions, int seeds, int steps,
            int batch, double lr, int imageSize, int patch, int dim, int slots, int topK, int etfVertices,
            double exponent, int trainScenes, int testScenes, int evalEvery) {
        public static Settings defaults() {
            return new Settings(List.of(InteractionKind.KEM, InteractionKind.SKEM),
                    List.of(Distribution.BALANCED, Distribution.LONG_TAILED), 3, 3000, 32, 2e-3, 64, 8, 48, 20, 3, 0,
                    2.0, 8000, 200, 250);
        }

        public Settings validated() {
            if (modules.isEmpty()) {
                throw new ConfigException("modules: name at least one of none, ca, kem, skem, nexusflow, ctal");
            }
            if (distributions.isEmpty()) {
                throw new ConfigException("distributions: name balanced and/or long-tailed");
            }
            ConfigException.checkRange("seeds", seeds, 1, 1000);
            ConfigException.checkRange("steps", steps, 1, 10_000_000);
            ConfigException.checkRange("batch", batch, 1, 4096);
            ConfigException.checkRange("lr", lr, 1e-9, 1);
            ConfigException.checkRange("imageSize", imageSize, 32, 512);
            ConfigException.checkRange("patch", patch, 2, 64);
            if (imageSize % patch != 0) {
                throw new ConfigException("imageSize = " + imageSize + ": must be a multiple of patch (" + patch + ")");
            }
            ConfigException.checkRange("dim", dim, 4, 4096);
            ConfigException.checkRange("slots", slots, 1, 4096);
            ConfigException.checkRange("topK", topK, 1, 2L * (imageSize / patch) * (imageSize / patch));
            ConfigException.checkRange("etfVertices", etfVertices, 0, dim);
            ConfigException.checkRange("exponent", exponent, 0, 10);
            ConfigException.checkRange("trainScenes", trainScenes, 1, 100_000_000);
            ConfigException.checkRange("testScenes", testScenes, 1, 1_000_000);
            ConfigException.checkRange("evalEvery", evalEvery, 1, 10_000_000);
            return this;
        }
    }

    /** One evaluation of one run on the balanced test set. */
    public record Point(InteractionKind module, Distribution distribution, int seed, int step, double trainLoss,
            double accuracy, double nonRelational, double relational, double tail) {
        public static final String CSV_HEADER =
                "module,distribution,seed,step,train_loss,accuracy,non_relational,relational,tail_colours";

        public String csv() {
            return String.format(Locale.ROOT, "%s,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f", module.id(), distribution.id(), seed,
                    step, trainLoss, accuracy, nonRelational, relational, tail);
        }
    }

    /** Final accuracies of one module on one training distribution, over seeds. */
    public record Cell(InteractionKind module, Distribution distribution, Stat accuracy, Stat nonRelational,
            Stat relational, Stat tail) {
        public static final String CSV_HEADER = "module,distribution,seeds,accuracy_mean,accuracy_std,non_relational_mean,"
                + "non_relational_std,relational_mean,relational_std,tail_mean,tail_std";

        public String csv(int seeds) {
            return String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", module.id(),
                    distribution.id(), seeds, accuracy.mean(), accuracy.std(), nonRelational.mean(), nonRelational.std(),
                    relational.mean(), relational.std(), tail.mean(), tail.std());
        }
    }

    private final Settings settings;

    public ImbalanceExperiment(Settings settings) {
        this.settings = settings.validated();
    }

    public Settings settings() {
        return settings;
    }

    /** Trains every module on every distribution with every seed; points stream out as made. */
    public List<Cell> run(Consumer<Point> points, BooleanSupplier cancelled) {
        List<Cell> cells = new ArrayList<>();
        QuestionBatch test = QuestionBatch.all(testSet(), settings.testScenes());
        for (InteractionKind module : settings.modules()) {
            for (Distribution distribution : settings.distributions()) {
                List<Point> finals = new ArrayList<>();
                for (int seed = 0; seed < settings.seeds() && !cancelled.getAsBoolean(); seed++) {
                    List<Point> trace = runOne(module, distribution, seed, test, points, cancelled);
                    if (!cancelled.getAsBoolean()) {
                        finals.add(trace.getLast());
                    }
                }
                if (finals.isEmpty()) {
                    return cells;
                }
                cells.add(new Cell(module, distribution, Stat.of(finals.stream().map(Point::accuracy).toList()),
                        Stat.of(finals.stream().map(Point::nonRelational).toList()),
                        Stat.of(finals.stream().map(Point::relational).toList()),
                        Stat.of(finals.stream().map(Point::tail).toList())));
            }
        }
        return cells;
    }

    ModelConfig modelConfig(InteractionKind module) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), module, settings.imageSize(), settings.patch(),
                settings.dim(), 1, 0, 0, 2, settings.slots(), settings.topK(), 1.0, 6, 5, 7L, ModelConfig.STEM, 0, false,
                settings.etfVertices()).validated("imbalance");
    }

    /** The training set of a distribution (scenes and questions); the test set is always balanced. */
    SortOfClevr trainSet(Distribution distribution, int seed) {
        return new SortOfClevr(10_000L + seed, settings.imageSize(), distribution, settings.exponent());
    }

    SortOfClevr testSet() {
        return new SortOfClevr(-1L, settings.imageSize(), Distribution.BALANCED, settings.exponent());
    }

    static final int QUESTIONS_PER_SCENE = 10;

    private List<Point> runOne(InteractionKind module, Distribution distribution, int seed, QuestionBatch test,
            Consumer<Point> sink, BooleanSupplier cancelled) {
        List<Point> trace = new ArrayList<>();
        SortOfClevr train = trainSet(distribution, seed);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(2000 + seed);
            RelationalNet net = new RelationalNet(modelConfig(module));
            int s = settings.imageSize();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1, SortOfClevr.QUESTION_DIM),
                    new Shape(1, 1));
            List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
            AdamW optimizer = new AdamW(1e-4f);
            ParameterStore ps = new ParameterStore(manager, false);
            Random pick = new Random(31L * seed + distribution.ordinal());
            double lossSum = 0;
            int lossCount = 0;
            for (int step = 1; step <= settings.steps() && !cancelled.getAsBoolean(); step++) {
                QuestionBatch batch = QuestionBatch.sample(train, settings.trainScenes(), settings.batch(), pick);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray[] in = batch.arrays(scope);
                    lossSum += EngineSetup.backward(
                            () -> crossEntropy(net.forward(ps, in[0], in[1], in[2], true, false).logits(), in[3]));
                    lossCount++;
                    optimizer.update(params, (float) learningRate(step));
                }
                if (step % settings.evalEvery() == 0 || step == settings.steps()) {
                    Point p = evaluate(net, ps, manager, test, module, distribution, seed, step, lossSum / lossCount);
                    lossSum = 0;
                    lossCount = 0;
                    trace.add(p);
                    sink.accept(p);
                }
            }
        }
        return trace;
    }

    /** Linear warm-up over the first 5% of steps, then cosine decay to 5% of the base rate. */
    double learningRate(int step) {
        int warmup = Math.max(1, settings.steps() / 20);
        if (step <= warmup) {
            return settings.lr() * step / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, settings.steps() - warmup);
        return settings.lr() * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    static NDArray crossEntropy(NDArray logits, NDArray answers) {
        NDArray logp = logits.logSoftmax(1);
        return logp.mul(answers.oneHot(SortOfClevr.ANSWERS.length)).sum(new int[] {1}).neg().mean();
    }

    private Point evaluate(RelationalNet net, ParameterStore ps, NDManager manager, QuestionBatch test,
            InteractionKind module, Distribution distribution, int seed, int step, double trainLoss) {
        EngineSetup.noGradOnThisThread();
        int n = test.size();
        int[] predicted = new int[n];
        int chunk = 256;
        for (int from = 0; from < n; from += chunk) {
            QuestionBatch part = test.slice(from, Math.min(n, from + chunk));
            try (NDManager scope = manager.newSubManager()) {
                NDArray[] in = part.arrays(scope);
                int[] arg = net.forward(ps, in[0], in[1], in[2], false, false).logits().argMax(1).toType(DataType.INT32, false)
                        .toIntArray();
                System.arraycopy(arg, 0, predicted, from, arg.length);
            }
        }
        Accuracy all = new Accuracy();
        Accuracy nonRel = new Accuracy();
        Accuracy rel = new Accuracy();
        Accuracy tail = new Accuracy();
        for (int i = 0; i < n; i++) {
            boolean right = predicted[i] == test.answers[i];
            SortOfClevr.Question q = test.questions.get(i);
            all.add(right);
            (q.family() == 0 ? nonRel : rel).add(right);
            if (q.colour() >= TAIL_FROM) {
                tail.add(right);
            }
        }
        return new Point(module, distribution, seed, step, trainLoss, all.value(), nonRel.value(), rel.value(), tail.value());
    }

    private static final class Accuracy {
        int right;
        int total;

        void add(boolean ok) {
            total++;
            if (ok) {
                right++;
            }
        }

        double value() {
            return total == 0 ? Double.NaN : (double) right / total;
        }
    }

    /** Scenes, questions and answers, rendered to float inputs on demand. */
    static final class QuestionBatch {
        final List<SortOfClevr.Scene> scenes;
        final List<SortOfClevr.Question> questions;
        final int[] answers;

        QuestionBatch(List<SortOfClevr.Scene> scenes, List<SortOfClevr.Question> questions) {
            this.scenes = scenes;
            this.questions = questions;
            this.answers = new int[scenes.size()];
            for (int i = 0; i < answers.length; i++) {
                answers[i] = scenes.get(i).answer(questions.get(i));
            }
        }

        static QuestionBatch sample(SortOfClevr set, int scenes, int batch, Random pick) {
            List<SortOfClevr.Scene> s = new ArrayList<>();
            List<SortOfClevr.Question> q = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                long index = pick.nextInt(scenes);
                s.add(set.scene(index));
                q.add(set.question(index, pick.nextInt(QUESTIONS_PER_SCENE)));
            }
            return new QuestionBatch(s, q);
        }

        /** Every question of the first {@code scenes} scenes. */
        static QuestionBatch all(SortOfClevr set, int scenes) {
            List<SortOfClevr.Scene> s = new ArrayList<>();
            List<SortOfClevr.Question> q = new ArrayList<>();
            for (int i = 0; i < scenes; i++) {
                SortOfClevr.Scene scene = set.scene(i);
                for (int k = 0; k < QUESTIONS_PER_SCENE; k++) {
                    s.add(scene);
                    q.add(set.question(i, k));
                }
            }
            return new QuestionBatch(s, q);
        }

        int size() {
            return answers.length;
        }

        QuestionBatch slice(int from, int to) {
            return new QuestionBatch(scenes.subList(from, to), questions.subList(from, to));
        }

        /** images (B,3,S,S) as ink 1 - rgb/255, questions (B,11), relational flags (B,1), answers (B). */
        NDArray[] arrays(NDManager m) {
            int b = size();
            int size = scenes.getFirst().size();
            int plane = size * size;
            float[] img = new float[b * 3 * plane];
            float[] qs = new float[b * SortOfClevr.QUESTION_DIM];
            float[] rel = new float[b];
            java.util.IdentityHashMap<SortOfClevr.Scene, byte[]> rendered = new java.util.IdentityHashMap<>();
            for (int i = 0; i < b; i++) {
                byte[] rgb = rendered.computeIfAbsent(scenes.get(i), SortOfClevr.Scene::render);
                int base = i * 3 * plane;
                for (int p = 0; p < plane; p++) {
                    for (int c = 0; c < 3; c++) {
                        img[base + c * plane + p] = 1 - (rgb[p * 3 + c] & 0xff) / 255f;
                    }
                }
                System.arraycopy(questions.get(i).encode(), 0, qs, i * SortOfClevr.QUESTION_DIM, SortOfClevr.QUESTION_DIM);
                rel[i] = questions.get(i).family();
            }
            return new NDArray[] {m.create(img, new Shape(b, 3, size, size)),
                m.create(qs, new Shape(b, SortOfClevr.QUESTION_DIM)), m.create(rel, new Shape(b, 1)),
                m.create(answers)};
        }
    }
}
