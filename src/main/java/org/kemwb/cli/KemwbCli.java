package org.kemwb.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.kemwb.bench.CostBenchmark;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Picture;
import org.kemwb.infer.OutputImages;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.Devices;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.AtomicFiles;
import org.kemwb.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kemwb}: the workbench engine from the command line. */
@Command(name = "kemwb", mixinStandardHelpOptions = true, versionProvider = KemwbCli.VersionProvider.class,
        description = "KEM Workbench: multi-task models with task-interaction modules (KEM, sKEM, cross-attention).",
        subcommands = {KemwbCli.Train.class, KemwbCli.Resume.class, KemwbCli.Infer.class, KemwbCli.Bench.class,
            KemwbCli.Data.class, ToyNoiseCommand.class, ReadoutsCommand.class, KemwbCli.Gui.class, KemwbCli.Eval.class,
            KemwbCli.Compare.class, KemwbCli.MemoryBench.class, KemwbCli.Convert.class, KemwbCli.Imbalance.class})
public final class KemwbCli {

    /** {@code kemwb --version}: the project version ({@link org.kemwb.util.Version}). */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kemwb " + org.kemwb.util.Version.get()};
        }
    }

    public static void main(String[] args) {
        System.setProperty("kemwb.launchNanos", Long.toString(System.nanoTime()));
        EngineSetup.init();
        System.exit(execute(new java.io.PrintWriter(System.err, true), args));
    }

    /** Runs a command; bad input prints one line "kemwb: ..." to {@code err} and returns 2. */
    public static int execute(java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new KemwbCli());
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // bad input: one line, no stack trace
            cmd.getErr().println("kemwb: " + (e.getMessage() == null ? e.toString() : Json.firstLine(e.getMessage())));
            return 2;
        });
        // a mistyped option or a missing argument: one line and where the usage is, not the whole usage
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kemwb: " + Json.firstLine(e.getMessage()) + " (see: kemwb "
                    + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help)");
            return 2;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("kemwb: out of memory (" + e.getMessage() + "): give Java more with KEMWB_JAVA_OPTS=-Xmx8g,"
                    + " or use a smaller --input-size / fewer or smaller images");
            return 1;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Start a training run on synthetic scenes or on a dataset folder (--data).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "Run folder to create.")
        Path run;
        @Option(names = "--config", description = "Train config JSON (keys override the defaults).")
        Path config;
        @Option(names = "--interaction", description = "Interaction module: none, ca, kem, skem, nexusflow or ctal (overrides the config).")
        String interaction;
        @Option(names = "--steps", description = "Training steps (overrides the config).")
        Integer steps;
        @Option(names = "--device", description = "auto, cpu, gpu or gpuN (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
        String device;
        @Option(names = "--data", description = "Dataset folder in the workbench, NYUD-v2 or PASCAL-Context layout (default: synthetic scenes).")
        Path data;

        @Override
        public Integer call() throws Exception {
            var read = config == null ? Json.MAPPER.createObjectNode() : readJson(config);
            if (!(read instanceof com.fasterxml.jackson.databind.node.ObjectNode node)) {
                throw new IOException("config " + config + ": must be a JSON object");
            }
            if (data != null) {
                if (!Files.isDirectory(data)) {
                    throw new IOException("dataset " + data + ": no such folder");
                }
                node.put("dataDir", data.toAbsolutePath().toString());
            }
            String where = config == null ? "config" : config.toString();
            if (steps != null) {
                // command-line overrides first, then one validation of the result
                org.kemwb.util.ConfigException.checkRange("--steps", steps, 1, 10_000_000);
                if (node.path("warmup").isNumber() && node.path("warmup").asLong() > steps) {
                    throw new org.kemwb.util.ConfigException(where + ": warmup = " + node.path("warmup").asText()
                            + ": more than the " + steps + " steps of --steps " + steps);
                }
                node.put("steps", steps);
            }
            TrainConfig c = TrainConfig.fromJson(node, where);
            if (interaction != null) {
                c = c.withModel(c.model().withInteraction(InteractionKind.parse(interaction))
                        .validated("--interaction " + interaction + ": " + where + ".model"));
            }
            if (steps != null) {
                c = c.withSteps(steps, Math.min(c.evalEvery(), steps)).validated(where);
            }
            c = c.withDevice(device).validatedForNewRun(where);
            Devices.resolve(device);
            return runToEnd(org.kemwb.job.TrainingJob.start(run, c));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a run from its last checkpoint.")
    static final class Resume implements Callable<Integer> {
        @Parameters(index = "0", description = "Run folder.")
        Path run;

        @Override
        public Integer call() throws Exception {
            return runToEnd(org.kemwb.job.TrainingJob.resume(run));
        }
    }

    /** Runs a training job with a console progress bar (created once the planned steps are known). */
    static int runToEnd(org.kemwb.job.TrainingJob job) throws Exception {
        ProgressBar[] bar = new ProgressBar[1];
        try {
            org.kemwb.train.RunStatus status = job.run(new org.kemwb.job.JobListener() {
                @Override
                public void progress(long done, long total) {
                    if (bar[0] == null) {
                        bar[0] = ConsoleProgress.bar("train " + job.name(), total);
                    }
                    bar[0].stepTo(done);
                }

                @Override
                public void rows(List<Map<String, String>> rows) {
                    Map<String, String> row = rows.getLast();
                    if (bar[0] == null) {
                        return;
                    }
                    if ("eval".equals(row.get("kind"))) {
                        StringBuilder sb = new StringBuilder();
                        row.forEach((k, v) -> {
                            if (!v.isEmpty() && TrainingRun.isMetric(k)) {
                                sb.append(k).append('=').append(v).append(' ');
                            }
                        });
                        bar[0].setExtraMessage(sb.toString().trim());
                    } else {
                        bar[0].setExtraMessage("loss=" + row.get("loss"));
                    }
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            });
            if (bar[0] != null && status == org.kemwb.train.RunStatus.FINISHED) {
                bar[0].stepTo(bar[0].getMax());
            }
            if (bar[0] != null) {
                bar[0].close();
                bar[0] = null;
            }
            System.out.println("run " + job.dir() + ": " + status.id());
            return status == org.kemwb.train.RunStatus.FINISHED ? 0 : 1;
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            description = "Run a model on images; writes <image>_<task>.png (colour-mapped) and <image>_<task>.npy per task at"
                    + " each image's own size (class maps as uint8 (H, W); depth, normals, edge/saliency probabilities as float32"
                    + " (C, H, W)). Same-named images get photo, photo-2, ...")
    static final class Infer implements Callable<Integer> {
        @Option(names = "--checkpoint", required = true, description = "Model: checkpoint (.params), TorchScript export (.pt) or .npz.")
        Path checkpoint;
        @Parameters(index = "0", arity = "1..*", description = "Images (PNG, JPEG, BMP, GIF, TIFF, WebP; EXIF orientation applied).")
        List<Path> images;
        @Option(names = "--out", defaultValue = "out", description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpuN.")
        String device;
        @Option(names = "--repeat", defaultValue = "1", description = "Card models: run the photo this many times and print each forward time (benchmarks).")
        int repeat;

        @Option(names = "--input-size", defaultValue = "model", description = "Size the model runs at: model (its training size),"
                + " image (each image's own size, padded to a multiple of the patch) or HxW, e.g. 480x640; images are letterboxed,"
                + " never stretched (default: ${DEFAULT-VALUE}).")
        String inputSize;

        @Override
        public Integer call() throws Exception {
            org.kemwb.infer.InputSize size = org.kemwb.infer.InputSize.parse(inputSize);
            List<String> stems = org.kemwb.infer.PredictionExport.uniqueStems(images);
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IOException("--out " + out + ": is a file, not a folder");
            }
            for (Path image : images) {
                ImageDecoder.read(image); // every image decodes before anything is written
                // outputs are <stem>_<task>.*: never write over an input that would be read later
                Path dir = image.toAbsolutePath().normalize().getParent();
                String name = image.getFileName().toString();
                if (dir != null && dir.equals(out.toAbsolutePath().normalize())
                        && stems.stream().anyMatch(st -> name.startsWith(st + "_"))) {
                    throw new IOException("--out " + out + " would overwrite the input image " + image
                            + " (outputs are named <image>_<task>): choose another --out");
                }
            }
            if (org.kemwb.infer.CardModel.isCardModel(checkpoint)) {
                return inferCard(stems);
            }
            try (var model = org.kemwb.infer.ModelHandle.open(checkpoint, Devices.resolve(device))) {
                for (Path image : images) { // every image fits the token cap before anything is written
                    ImageDecoder.Size s = ImageDecoder.size(image);
                    try {
                        var lb = size.letterbox(s.height(), s.width(), model.config());
                        org.kemwb.infer.TokenCap.check(model.config(), lb.modelHeight(), lb.modelWidth());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("image " + image + " (" + s.height() + "x" + s.width() + " HxW): " + e.getMessage(), e);
                    }
                }
                for (int i = 0; i < images.size(); i++) {
                    Path image = images.get(i);
                    Picture img = ImageDecoder.read(image);
                    org.kemwb.infer.Prediction prediction;
                    try {
                        prediction = model.predict(img.rgb(), img.height(), img.width(), size, false);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("image " + image + ": " + e.getMessage(), e);
                    }
                    org.kemwb.infer.PredictionExport.write(prediction, out, stems.get(i));
                    System.out.printf(Locale.ROOT, "%s (%dx%d HxW, model input %dx%d HxW): %d task outputs written to %s as %s_<task> (%s, forward %.1f ms)%n",
                            image, img.height(), img.width(), prediction.letterbox().modelHeight(), prediction.letterbox().modelWidth(),
                            prediction.tasks().size(), out, stems.get(i), Devices.describe(model.device()), prediction.forwardMs());
                }
            }
            return 0;
        }

        /** A model with a card (export_model.py): every task at the photo's size, plus attention. */
        private int inferCard(List<String> stems) throws Exception {
            try (var model = org.kemwb.infer.CardModel.load(checkpoint, Devices.resolve(device))) {
                for (int i = 0; i < images.size(); i++) {
                    Path image = images.get(i);
                    Picture img = ImageDecoder.read(image);
                    var prediction = model.predict(img);
                    for (int r = 1; r < repeat; r++) {
                        System.out.printf(Locale.ROOT, "forward %d: %.1f ms%n", r, prediction.forwardMs());
                        prediction = model.predict(img);
                    }
                    var files = org.kemwb.infer.CardOutputs.write(prediction, img, out, stems.get(i));
                    System.out.printf(Locale.ROOT, "%d tasks and %d attention outputs of %s at %dx%d written to %s as %s_<output> (%d files; %s, input %dx%d, forward %.1f ms)%n",
                            prediction.tasks().size(), prediction.attention().size(), image.getFileName(), img.width(), img.height(), out,
                            stems.get(i), files.size(), Devices.describe(model.device()), prediction.letterbox().modelWidth(),
                            prediction.letterbox().modelHeight(), prediction.forwardMs());
                }
            }
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Training-step time and peak memory of the interactions alone and of the whole net.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--tokens", split = ",", defaultValue = "64,256,1024", description = "Tokens per task L.")
        List<Integer> tokens;
        @Option(names = "--large", defaultValue = "4096", description = "Extra L for kem/skem only (0: none).")
        int large;
        @Option(names = "--dim", defaultValue = "128")
        int dim;
        @Option(names = "--batch", defaultValue = "8")
        int batch;
        @Option(names = "--repeats", defaultValue = "5")
        int repeats;
        @Option(names = {"--net-sizes", "--net-size"}, split = ",", defaultValue = "64,128,256",
                description = "Image sizes of the whole-net cases (tokens per task = (size/8)^2; 0: skip).")
        List<Integer> netSizes;
        @Option(names = "--csv", defaultValue = "bench-results.csv")
        Path csv;
        @Option(names = "--device", defaultValue = "auto")
        String device;
        @Option(names = "--interactions", split = ",", defaultValue = "none,ca,kem,skem,nexusflow,ctal")
        List<String> interactions;

        @Override
        public Integer call() throws Exception {
            Device d = Devices.resolve(device);
            List<InteractionKind> kinds = interactions.stream().map(InteractionKind::parse).toList();
            CostBenchmark bench = new CostBenchmark(d, 2, repeats);
            List<CostBenchmark.Row> rows = new ArrayList<>();
            System.out.println(CostBenchmark.CSV_HEADER);
            for (InteractionKind kind : kinds) {
                List<Integer> ls = new ArrayList<>(tokens);
                if (kind.usesMemory() && large > 0) {
                    ls.add(large);
                }
                for (int l : ls) {
                    CostBenchmark.Row r = bench.interaction(kind, 3, l, dim, batch);
                    rows.add(r);
                    System.out.println(r.csv());
                }
            }
            for (InteractionKind kind : kinds) {
                for (int size : netSizes) {
                    if (size > 0) {
                        CostBenchmark.Row r = bench.wholeNet(kind, size, dim, batch);
                        rows.add(r);
                        System.out.println(r.csv());
                    }
                }
            }
            StringBuilder sb = new StringBuilder(CostBenchmark.CSV_HEADER).append('\n');
            rows.forEach(r -> sb.append(r.csv()).append('\n'));
            AtomicFiles.writeString(csv, sb.toString());
            System.out.println("written " + csv + " (" + Devices.describe(d) + ")");
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Metrics of a checkpoint on held-out synthetic scenes (never used for training by default settings) or on the val split of a dataset folder (--data).")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Mixin
        ModelOptions modelOptions;
        @CommandLine.Mixin
        HeldOutScenes scenes;
        @Option(names = "--data", description = "Dataset folder in the workbench, NYUD-v2 or PASCAL-Context layout: evaluate its val split instead of synthetic scenes.")
        Path data;
        @Option(names = "--convention", defaultValue = "published",
                description = "Metric convention: published (as published multi-task tables), pooled or invpt (default: ${DEFAULT-VALUE}).")
        String convention;
        @Option(names = "--per-class", description = "Write per-class IoU of semseg/parts to this CSV (task,class,iou,tp,fp,fn).")
        Path perClass;
        @Option(names = "--confusion", description = "Write the confusion matrices of semseg/parts to this CSV (task,label,predicted,pixels).")
        Path confusion;
        @Option(names = "--readouts", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Print where the interaction reads from over the set (task mass; for kem/skem distinct tokens, "
                        + "position repeat, per-head task share), as `kemwb readouts` does (default: on; --no-readouts skips).")
        boolean readouts;

        @Override
        public Integer call() throws Exception {
            var conv = org.kemwb.metrics.MetricConvention.parse(convention);
            try (LoadedModel model = modelOptions.open()) {
                var set = data != null ? org.kemwb.job.EvalJob.Data.folder(data) : scenes.asEvalSet();
                int synthClasses = org.kemwb.data.SyntheticScenes.CLASSES.length;
                if (data == null && model.config().tasks().contains(org.kemwb.model.Task.SEMSEG)
                        && model.config().semsegClasses() != synthClasses) {
                    // scoring a 40-class NYUD-v2 model on 6-class scenes gives a meaningless 0 mIoU
                    throw new IOException(modelOptions.checkpoint + ": its semseg has " + model.config().semsegClasses()
                            + " classes, the synthetic scenes " + synthClasses + ": give --data with the dataset it was trained on");
                }
                // the set is read (and refused in one line when unreadable) before anything is printed
                List<Sample> samples = org.kemwb.job.EvalJob.samples(model.config(), set, org.kemwb.job.JobListener.NONE);
                System.out.println("set " + set.describe());
                var result = org.kemwb.train.Evaluator.run(model, samples, org.kemwb.job.EvalJob.BATCH, conv);
                System.out.println("convention " + conv.id());
                result.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%s %.4f%n", k, v));
                if (perClass != null) {
                    AtomicFiles.writeString(perClass, org.kemwb.metrics.ClassTables.perClassCsv(result.semseg(), result.parts()));
                    System.out.println("written " + perClass);
                }
                if (confusion != null) {
                    AtomicFiles.writeString(confusion, org.kemwb.metrics.ClassTables.confusionCsv(result.semseg(), result.parts()));
                    System.out.println("written " + confusion);
                }
                if (readouts && ReadoutsCommand.hasReadouts(model.config().interaction())) {
                    System.out.println();
                    System.out.print(ReadoutsCommand.report(modelOptions.checkpoint, model, samples.stream().map(Sample::rgb).toList(), 10));
                }
            }
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Train single-task baselines and ca/kem/skem with equal budget; table with per-task metrics and Δm.")
    static final class Compare implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "runs/compare")
        Path out;
        @Option(names = "--config", description = "Train config JSON for every model (tasks, size, budget).")
        Path config;
        @Option(names = "--steps", defaultValue = "200")
        int steps;
        @Option(names = "--modules", split = ",", defaultValue = "ca,kem,skem,nexusflow,ctal")
        List<String> modules;
        @Option(names = "--label-fraction", defaultValue = "1",
                description = "Partially labelled training set: each image keeps each task's label with this probability.")
        double labelFraction;

        @Override
        public Integer call() throws Exception {
            TrainConfig c = config == null ? TrainConfig.defaults() : TrainConfig.fromJson(readJson(config), config.toString());
            c = c.withSteps(steps, steps).withData(Math.min(c.trainImages(), 128), c.valImages(), c.batch());
            if (labelFraction != 1) {
                c = c.withLabelFraction(labelFraction).validated("compare");
            }
            var experiment = new org.kemwb.experiment.CompareExperiment(c, modules.stream().map(InteractionKind::parse).toList());
            long t0 = System.nanoTime();
            int runs = c.model().tasks().size() + modules.size();
            List<org.kemwb.experiment.CompareExperiment.Row> rows;
            try (ProgressBar bar = ConsoleProgress.bar("compare", (long) runs * steps)) {
                long[] done = {0};
                String[] current = {""};
                rows = experiment.run(out, (name, row) -> {
                    if (!name.equals(current[0])) {
                        current[0] = name;
                        done[0] = bar.getCurrent();
                    }
                    bar.stepTo(done[0] + Long.parseLong(row.get("step")));
                    bar.setExtraMessage(name);
                }, () -> false);
            }
            System.out.print(org.kemwb.experiment.CompareExperiment.csv(rows));
            System.out.printf(Locale.ROOT, "written %s (%.0f s)%n", out.resolve("compare.csv"), (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "bench-memory", mixinStandardHelpOptions = true,
            description = "Resident memory over many inferences and a long training run (does native memory stop growing?).")
    static final class MemoryBench implements Callable<Integer> {
        @Option(names = "--checkpoint", defaultValue = "samples/checkpoints/kem.params")
        Path checkpoint;
        @Option(names = "--inferences", defaultValue = "2000")
        int inferences;
        @Option(names = "--train-steps", defaultValue = "600")
        int trainSteps;

        @Override
        public Integer call() throws Exception {
            System.out.println("phase,iteration,rss_mb");
            try (LoadedModel model = Checkpoint.load(checkpoint, Device.cpu())) {
                int s = model.config().imageSize();
                float[] rgb = new SyntheticScenes(5).render(0, s).rgb();
                for (int i = 0; i <= inferences; i++) {
                    org.kemwb.infer.InferenceEngine.predict(model, rgb, true);
                    if (i % Math.max(1, inferences / 8) == 0) {
                        System.out.printf(Locale.ROOT, "inference,%d,%d%n", i, org.kemwb.bench.ProcessMemory.rssBytes() >> 20);
                    }
                }
            }
            Path run = Files.createTempDirectory("kemwb-membench");
            var node = Json.MAPPER.createObjectNode().put("steps", trainSteps).put("evalEvery", Math.max(1, trainSteps / 3))
                    .put("logEvery", Math.max(1, trainSteps / 12)).put("trainImages", 64).put("device", "cpu");
            TrainingRun.create(run, TrainConfig.fromJson(node, "bench")).run(row -> {
                if ("train".equals(row.get("kind"))) {
                    System.out.printf(Locale.ROOT, "train,%s,%d%n", row.get("step"), org.kemwb.bench.ProcessMemory.rssBytes() >> 20);
                }
            }, () -> false);
            return 0;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert weights: checkpoint (.params) <-> NumPy .npz for PyTorch (see interop/pytorch).")
    static final class Convert implements Callable<Integer> {
        @Parameters(index = "0", description = "From (.params or .npz).")
        Path from;
        @Parameters(index = "1", description = "To (.npz or .params).")
        Path to;

        @Override
        public Integer call() throws Exception {
            org.kemwb.model.NpzWeights.convert(from, to);
            System.out.println("written " + to);
            return 0;
        }
    }

    @Command(name = "gui", mixinStandardHelpOptions = true,
            description = "Start the JavaFX workbench (opens the bundled samples).")
    static final class Gui implements Callable<Integer> {
        @Parameters(arity = "0..*", description = "Images and models (.params, .pt, .npz) to open after the samples.")
        List<String> files = new ArrayList<>();

        @Override
        public Integer call() {
            javafx.application.Application.launch(org.kemwb.ui.WorkbenchApp.class, files.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "imbalance", mixinStandardHelpOptions = true,
            description = "Paper table 1: kem / skem trained on balanced vs long-tailed Sort-of-CLEVR, tested on balanced data.")
    static final class Imbalance implements Callable<Integer> {
        @Option(names = "--modules", split = ",", defaultValue = "kem,skem")
        List<String> modules;
        @Option(names = "--seeds", defaultValue = "3")
        int seeds;
        @Option(names = "--steps", defaultValue = "3000", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--batch", defaultValue = "32")
        int batch;
        @Option(names = "--lr", defaultValue = "2e-3")
        double lr;
        @Option(names = "--dim", defaultValue = "48")
        int dim;
        @Option(names = "--slots", defaultValue = "20")
        int slots;
        @Option(names = "--top-k", defaultValue = "3")
        int topK;
        @Option(names = "--etf-vertices", defaultValue = "0",
                description = "sKEM ETF vertices; 0 = one per task stream (2).")
        int etfVertices;
        @Option(names = "--exponent", defaultValue = "2.0", description = "Power-law exponent of the long-tailed set.")
        double exponent;
        @Option(names = "--train-scenes", defaultValue = "8000")
        int trainScenes;
        @Option(names = "--test-scenes", defaultValue = "200", description = "Balanced test scenes (10 questions each).")
        int testScenes;
        @Option(names = "--eval-every", defaultValue = "250")
        int evalEvery;
        @Option(names = "--out", defaultValue = "imbalance", description = "Folder for points.csv and summary.csv.")
        Path out;

        @Override
        public Integer call() throws Exception {
            var d = org.kemwb.experiment.ImbalanceExperiment.Settings.defaults();
            var settings = new org.kemwb.experiment.ImbalanceExperiment.Settings(
                    modules.stream().map(InteractionKind::parse).toList(), d.distributions(), seeds, steps, batch, lr,
                    d.imageSize(), d.patch(), dim, slots, topK, etfVertices, exponent, trainScenes, testScenes, evalEvery);
            var experiment = new org.kemwb.experiment.ImbalanceExperiment(settings);
            List<org.kemwb.experiment.ImbalanceExperiment.Point> points = new java.util.ArrayList<>();
            long total = (long) settings.modules().size() * settings.distributions().size() * seeds
                    * ((steps + evalEvery - 1) / evalEvery);
            long t0 = System.nanoTime();
            List<org.kemwb.experiment.ImbalanceExperiment.Cell> cells;
            try (ProgressBar bar = ConsoleProgress.bar("imbalance", total)) {
                cells = experiment.run(p -> {
                    points.add(p);
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT, "%s %s seed %d acc %.2f", p.module().id(),
                            p.distribution().id(), p.seed(), p.accuracy()));
                }, () -> false);
            }
            System.out.printf(Locale.ROOT, "%-6s %-12s %-16s %-16s %-16s %-16s%n", "module", "train set", "accuracy",
                    "non-relational", "relational", "rare colours");
            for (var c : cells) {
                System.out.printf(Locale.ROOT, "%-6s %-12s %-16s %-16s %-16s %-16s%n", c.module().id(), c.distribution().id(),
                        c.accuracy(), c.nonRelational(), c.relational(), c.tail());
            }
            new org.kemwb.experiment.ImbalanceResults(cells, seeds, points).write(out);
            System.out.printf(Locale.ROOT,
                    "balanced test set of %d questions; mean ± std over %d seeds; rare colours = the 3 least frequent in the long tail. %s (%.0f s)%n",
                    testScenes * 10, seeds, out, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "data", mixinStandardHelpOptions = true, description = "Datasets.", subcommands = {Synth.class})
    static final class Data implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Write synthetic scenes: images/, segmentation/, depth/ (.npy), normals/ (.npy), edge/, sal/, parts/ and train/val lists.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Folder to write the scenes into.")
        Path out;
        @Option(names = "--count", defaultValue = "100", description = "Scenes to write, 1..10000000 (default: ${DEFAULT-VALUE}).")
        int count;
        @Option(names = "--size", defaultValue = "128",
                description = "Side of the square scenes in pixels, " + MIN_SYNTH_SIZE + "..4096 (default: ${DEFAULT-VALUE}).")
        int size;
        @Option(names = "--seed", defaultValue = "1", description = "Scene generator seed: the same seed writes the same scenes (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--layout", defaultValue = "workbench",
                description = "workbench (default: class ids, --size square) or nyud (NYUD-v2 layout at 480x640: JPEG, raw labels 0..40, gt_sets/).")
        String layout;

        /** Smallest scene side: 2 x 2 tokens at the default patch of 8. */
        static final int MIN_SYNTH_SIZE = 16;

        @Override
        public Integer call() throws Exception {
            org.kemwb.util.ConfigException.checkRange("--count", count, 1, 10_000_000);
            org.kemwb.util.ConfigException.checkRange("--size", size, MIN_SYNTH_SIZE, 4096);
            SyntheticScenes scenes = new SyntheticScenes(seed);
            StringBuilder train = new StringBuilder();
            StringBuilder val = new StringBuilder();
            long t0 = System.nanoTime();
            if (!layout.equals("workbench") && !layout.equals("nyud")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--layout: workbench or nyud, not '" + layout + "'");
            }
            try (ProgressBar bar = ConsoleProgress.bar("synth", count)) {
                for (int i = 0; i < count; i++) {
                    String id = String.format(Locale.ROOT, "%06d", i);
                    if (layout.equals("nyud")) {
                        org.kemwb.data.NyudLayout.write(scenes, i, out, id);
                        (i % 4 == 3 ? val : train).append(id).append('\n');
                        bar.step();
                        continue;
                    }
                    Sample s = scenes.render(i, size);
                    OutputImages.writePng(new Picture(size, size, s.rgb()).toBufferedImage(), out.resolve("images").resolve(id + ".png"));
                    OutputImages.writePng(labelImage(s.semseg(), size), out.resolve("segmentation").resolve(id + ".png"));
                    OutputImages.writePng(labelImage(s.parts(), size), out.resolve("parts").resolve(id + ".png"));
                    OutputImages.writeNpy(s.depth(), new long[] {size, size}, out.resolve("depth").resolve(id + ".npy"));
                    OutputImages.writeNpy(s.normals(), new long[] {3, size, size}, out.resolve("normals").resolve(id + ".npy"));
                    OutputImages.writePng(binaryImage(s.edges(), size), out.resolve("edge").resolve(id + ".png"));
                    OutputImages.writePng(binaryImage(s.saliency(), size), out.resolve("sal").resolve(id + ".png"));
                    (i % 10 == 9 ? val : train).append(id).append('\n');
                    bar.step();
                }
            }
            if (layout.equals("nyud")) {
                org.kemwb.data.NyudLayout.writeSplits(out, train.toString(), val.toString());
            } else {
                AtomicFiles.writeString(out.resolve("train.txt"), train.toString());
                AtomicFiles.writeString(out.resolve("val.txt"), val.toString());
            }
            AtomicFiles.writeString(out.resolve(org.kemwb.infer.TrainingData.MARKER),
                    org.kemwb.infer.TrainingData.markerJson(org.kemwb.infer.TrainingData.SYNTHETIC));
            double s = (System.nanoTime() - t0) / 1e9;
            String dims = (layout.equals("nyud") ? org.kemwb.data.NyudLayout.HEIGHT + "x" + org.kemwb.data.NyudLayout.WIDTH : size + "x" + size) + " HxW";
            System.out.printf(Locale.ROOT, "%d scenes (%s, %s layout) in %s, %.1f scenes/s including writing%n", count, dims, layout, out, count / s);
            return 0;
        }

        static java.awt.image.BufferedImage labelImage(int[] labels, int size) {
            var img = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            var raster = img.getRaster();
            for (int p = 0; p < labels.length; p++) {
                raster.setSample(p % size, p / size, 0, labels[p]);
            }
            return img;
        }

        static java.awt.image.BufferedImage binaryImage(byte[] labels, int size) {
            int[] v = new int[labels.length];
            for (int p = 0; p < v.length; p++) {
                v[p] = labels[p] * 255;
            }
            return labelImage(v, size);
        }
    }

    static com.fasterxml.jackson.databind.JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("config " + file + ": no such file");
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("config " + file + ": not valid JSON (" + Json.firstLine(e.getMessage()) + ")");
        }
    }
}
