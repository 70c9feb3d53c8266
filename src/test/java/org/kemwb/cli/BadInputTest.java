package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the CLI: exit code 2, one line naming the file or key, nothing on disk changed. */
class BadInputTest {
    @TempDir
    Path dir;
    Path checkpoint;
    Path image;

    @BeforeEach
    void fixtures() throws Exception {
        checkpoint = dir.resolve("model.params");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, checkpoint, Map.of());
        }
        image = dir.resolve("scene.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", image.toFile());
    }

    record Result(int code, String err) {}

    Result run(String... args) {
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), args);
        return new Result(code, err.toString().trim());
    }

    void assertOneLineError(Result r, String... parts) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("kemwb: "), r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "'" + p + "' missing in: " + r.err());
        }
    }

    @Test
    void badFilesGiveOneLineAndChangeNothing() throws Exception {
        Path textPng = Files.writeString(dir.resolve("text.png"), "hello");
        Path cut = dir.resolve("cut.params");
        byte[] full = Files.readAllBytes(checkpoint);
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        Path random = dir.resolve("random.params");
        byte[] noise = new byte[5000];
        new java.util.Random(3).nextBytes(noise);
        Files.write(random, noise);
        Path ts = dir.resolve("foreign.pt");
        try (var in = getClass().getResourceAsStream("/torchscript/tiny_backbone.pt")) {
            Files.copy(in, ts);
        }
        byte[][] before = {Files.readAllBytes(textPng), Files.readAllBytes(cut), Files.readAllBytes(random), Files.readAllBytes(ts)};
        Path out = dir.resolve("out");

        assertOneLineError(run("infer", "--checkpoint", dir.resolve("nope.params").toString(), image.toString(), "--out", out.toString()),
                "nope.params", "no such file");
        assertOneLineError(run("infer", "--checkpoint", checkpoint.toString(), textPng.toString(), "--out", out.toString()),
                "text.png", "not a PNG, JPEG, BMP, GIF, TIFF or WebP image");
        assertOneLineError(run("infer", "--checkpoint", cut.toString(), image.toString(), "--out", out.toString()),
                "cut.params", "truncated");
        assertOneLineError(run("infer", "--checkpoint", random.toString(), image.toString(), "--out", out.toString()),
                "random.params", "not a KEM Workbench checkpoint");
        assertOneLineError(run("infer", "--checkpoint", ts.toString(), image.toString(), "--out", out.toString()),
                "foreign.pt", "no model card foreign.card.json beside it");
        assertOneLineError(run("infer", "--checkpoint", dir.toString(), image.toString(), "--out", out.toString()),
                "is a directory");
        assertTrue(!Files.exists(out), "no output folder for failed runs");
        assertArrayEquals(before[0], Files.readAllBytes(textPng));
        assertArrayEquals(before[1], Files.readAllBytes(cut));
        assertArrayEquals(before[2], Files.readAllBytes(random));
        assertArrayEquals(before[3], Files.readAllBytes(ts));
    }

    @Test
    void badConfigsNameTheKeyAndTheAllowedRange() throws Exception {
        Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"bacth\": 4}");
        assertOneLineError(run("train", "--run", dir.resolve("r1").toString(), "--config", unknown.toString()),
                "unknown.json: bacth: unknown key (allowed: ");
        Path typo = Files.writeString(dir.resolve("typo.json"), "{\"model\": {\"intraction\": \"kem\"}}");
        assertOneLineError(run("train", "--run", dir.resolve("r0").toString(), "--config", typo.toString()),
                "typo.json: model.intraction: unknown key (allowed: ");
        Path range = Files.writeString(dir.resolve("range.json"), "{\"model\": {\"topK\": 0}}");
        assertOneLineError(run("train", "--run", dir.resolve("r2").toString(), "--config", range.toString()),
                "range.json: model.topK = 0", "[1, ");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"steps\": ");
        assertOneLineError(run("train", "--run", dir.resolve("r3").toString(), "--config", broken.toString()),
                "broken.json", "not valid JSON");
        assertOneLineError(run("train", "--run", dir.resolve("r4").toString(), "--interaction", "kemm"),
                "unknown interaction 'kemm'");
        assertOneLineError(run("train", "--run", dir.resolve("r5").toString(), "--device", "gpu3"),
                "device = gpu3", "GPU 3 requested");
        for (String r : List.of("r1", "r2", "r3", "r4", "r5")) {
            assertTrue(!Files.exists(dir.resolve(r).resolve("run.json")), "no run created for " + r);
        }
    }

    @Test
    void corruptRunFoldersAreReportedAndLeftAlone() throws Exception {
        Path run = dir.resolve("run");
        TrainingRun.create(run, TrainConfig.defaults());
        Files.writeString(run.resolve("run.json"), "{ not json");
        byte[] before = Files.readAllBytes(run.resolve("run.json"));
        assertOneLineError(run("resume", run.toString()), "run.json", "not valid JSON");
        assertArrayEquals(before, Files.readAllBytes(run.resolve("run.json")));
        assertOneLineError(run("resume", dir.resolve("empty").toString()), "no run.json");
    }

    @Test
    void imbalanceWritesItsTableAndRefusesBadSettings() throws Exception {
        Path out = dir.resolve("imbalance");
        Result ok = run("imbalance", "--modules", "kem", "--seeds", "1", "--steps", "2", "--eval-every", "1", "--test-scenes",
                "1", "--batch", "4", "--dim", "16", "--slots", "4", "--out", out.toString());
        assertEquals(0, ok.code(), ok.err());
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(3, summary.size(), "header + balanced + long-tailed");
        assertTrue(summary.get(1).startsWith("kem,balanced,1,") && summary.get(2).startsWith("kem,long-tailed,1,"), summary.toString());
        assertEquals(5, Files.readAllLines(out.resolve("points.csv")).size(), "header + 2 evaluations x 2 runs");
        assertOneLineError(run("imbalance", "--exponent", "-1", "--out", dir.resolve("x").toString()), "exponent = -1");
        assertOneLineError(run("imbalance", "--modules", "kemm", "--out", dir.resolve("x").toString()), "unknown interaction 'kemm'");
        assertTrue(!Files.exists(dir.resolve("x")), "nothing written on bad input");
        assertOneLineError(run("compare", "--label-fraction", "0", "--out", dir.resolve("c").toString()),
                "compare: labelFraction = 0", "[0.001, 1]");
        assertTrue(!Files.exists(dir.resolve("c")), "no compare runs on bad input");
    }

    @Test
    void synthRefusesNoScenesAndScenesTooSmallAndWritesNothing() {
        Path out = dir.resolve("synth");
        assertOneLineError(run("data", "synth", "--out", out.toString(), "--count", "0"), "--count = 0", "[1, 10000000]");
        assertOneLineError(run("data", "synth", "--out", out.toString(), "--size", "7"), "--size = 7", "[16, 4096]");
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void rangeMessagesNameTheOptionOnce() {
        Result r = run("train", "--run", dir.resolve("s0").toString(), "--steps", "0");
        assertOneLineError(r, "--steps = 0", "[1, ");
        assertTrue(!r.err().contains("--steps."), r.err());
        assertTrue(!Files.exists(dir.resolve("s0").resolve("run.json")));
    }

    @Test
    void topKAboveTheTokensTheSlotsReadIsRefusedNamingBoth() throws Exception {
        // 16 x 16 at patch 8: 4 tokens per task, 3 tasks (the default semseg, depth, normals): 12 tokens
        Path cfg = Files.writeString(dir.resolve("topk.json"), "{\"model\": {\"imageSize\": 16, \"topK\": 13}}");
        assertOneLineError(run("train", "--run", dir.resolve("k").toString(), "--config", cfg.toString()),
                "model.topK = 13", "12 tokens");
        Path fits = Files.writeString(dir.resolve("fits.json"), "{\"model\": {\"imageSize\": 16, \"topK\": 12}}");
        org.kemwb.train.TrainConfig.fromJson(org.kemwb.util.Json.MAPPER.readTree(fits.toFile()), "fits").validatedForNewRun("fits");
        assertTrue(!Files.exists(dir.resolve("k").resolve("run.json")));
    }

    @Test
    void usageMistakesAreOneLine() {
        assertOneLineError(run("infer", "--checkpoint", checkpoint.toString(), image.toString(), "--frobnicate"),
                "Unknown option: '--frobnicate'", "kemwb infer --help");
        assertOneLineError(run("infer", "--checkpoint", checkpoint.toString()), "Missing required parameter", "--help");
    }

    @Test
    void inferNeverWritesOverItsInputsOrIntoAFile() throws Exception {
        // a.png and a_semseg.png in one folder, --out that folder: a's outputs would replace the second input
        Path second = dir.resolve("scene_semseg.png");
        Files.copy(image, second);
        byte[] before = Files.readAllBytes(second);
        assertOneLineError(run("infer", "--checkpoint", checkpoint.toString(), image.toString(), second.toString(),
                "--out", dir.toString()), "would overwrite the input image", "scene_semseg.png");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(second)), "the input is untouched");
        assertTrue(!Files.exists(dir.resolve("scene_depth.npy")), "nothing written");
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertOneLineError(run("infer", "--checkpoint", checkpoint.toString(), image.toString(), "--out", file.toString()),
                "not-a-folder", "is a file, not a folder");
    }

    @Test
    void aRunThatFailedBeforeItsFirstStepCanBeStartedAgain() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-data"));
        Files.writeString(empty.resolve("train.txt"), "");
        Files.writeString(empty.resolve("val.txt"), "");
        Path run = dir.resolve("retry");
        Result failed = run("train", "--run", run.toString(), "--data", empty.toString(), "--steps", "2");
        assertEquals(2, failed.code(), failed.err());
        Result again = run("train", "--run", run.toString(), "--data", empty.toString(), "--steps", "2");
        assertTrue(!again.err().contains("already holds a run"), "a run that never started is not in the way: " + again.err());
    }

    @Test
    void aRunRefusedByItsDataLeavesNothingAndLeavesAPreExistingFolderAsItWas() throws Exception {
        // the committed NYUD-v2 layout set has 40 classes; the default model has 6: refused at data loading
        Path nyud = Path.of("src", "test", "resources", "nyud-synth4");
        Path run = dir.resolve("R");
        Result refused = run("train", "--run", run.toString(), "--data", nyud.toString(), "--steps", "2");
        assertOneLineError(refused, "NYUD-v2 has 40 classes");
        assertTrue(!Files.exists(run), "no run folder after the refusal: " + (Files.exists(run) ? List.of(run.toFile().list()) : ""));

        Path existing = Files.createDirectories(dir.resolve("mine"));
        Path unrelated = Files.writeString(existing.resolve("notes.txt"), "keep me");
        Result again = run("train", "--run", existing.toString(), "--data", nyud.toString(), "--steps", "2");
        assertOneLineError(again, "NYUD-v2 has 40 classes");
        assertEquals("keep me", Files.readString(unrelated));
        try (var files = Files.list(existing)) {
            assertEquals(List.of("notes.txt"), files.map(f -> f.getFileName().toString()).toList(), "only what was there before");
        }
    }

    @Test
    void stepsOnTheCommandLineApplyBeforeTheWarmupIsChecked() throws Exception {
        // the file's steps (3) and the default warmup (20) never meet: --steps 2 applies first, the default warmup is clamped
        Path cfg = Files.writeString(dir.resolve("c3.json"), "{\"model\": {\"imageSize\": 16, \"dim\": 8, \"slots\": 4, \"topK\": 4},"
                + " \"steps\": 3, \"trainImages\": 2, \"valImages\": 1, \"batch\": 1}");
        Path run = dir.resolve("w");
        Result ok = run("train", "--run", run.toString(), "--config", cfg.toString(), "--steps", "2");
        assertEquals(0, ok.code(), ok.err());
        var stored = org.kemwb.util.Json.MAPPER.readTree(run.resolve("run.json").toFile()).path("config");
        assertEquals(2, stored.path("steps").asInt());
        assertEquals(2, stored.path("warmup").asInt(), "default warmup clamped to the steps");
        // a warmup the user wrote that --steps undercuts is refused naming --steps
        Path own = Files.writeString(dir.resolve("own.json"), "{\"warmup\": 5, \"steps\": 10}");
        assertOneLineError(run("train", "--run", dir.resolve("w2").toString(), "--config", own.toString(), "--steps", "2"),
                "warmup = 5", "--steps 2");
        assertTrue(!Files.exists(dir.resolve("w2")));
    }

    @Test
    void helpNamesEveryInteractionAndTheDataLayouts() {
        StringWriter out = new StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new KemwbCli());
        cli.setOut(new PrintWriter(out, true));
        cli.execute("train", "--help");
        String train = out.toString();
        for (InteractionKind k : InteractionKind.values()) {
            assertTrue(train.contains(k.id()), k.id() + " missing in: " + train);
        }
        assertTrue(train.contains("PASCAL-Context") && train.contains("--data"), train);
        assertTrue(!train.contains("Start a training run on synthetic scenes."), train);
        StringWriter synth = new StringWriter();
        picocli.CommandLine s = new picocli.CommandLine(new KemwbCli());
        s.setOut(new PrintWriter(synth, true));
        s.execute("data", "synth", "--help");
        String text = synth.toString().replaceAll("\\s+", " ");
        assertTrue(text.contains("Folder to write the scenes into") && text.contains("Scene generator seed")
                && text.contains("workbench (default"), text);
    }

    @Test
    void evalRefusesScoringANyudModelOnTheSyntheticScenes() throws Exception {
        Path nyud = dir.resolve("nyud40.params");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG), InteractionKind.NONE, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 40, 5, 7L, ModelConfig.STEM, 0, false);
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, nyud, Map.of());
        }
        assertOneLineError(run("eval", "--checkpoint", nyud.toString()), "nyud40.params", "40 classes", "synthetic scenes 6", "--data");
    }

    @Test
    void evalOfAnUnreadableSetPrintsNothingButItsOneLineRefusal() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-val"));
        Files.writeString(empty.resolve("val.txt"), "");
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Result r;
        try (java.io.PrintStream capture = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)) {
            System.setOut(capture);
            r = run("eval", "--checkpoint", checkpoint.toString(), "--data", empty.toString());
        } finally {
            System.setOut(old);
        }
        assertOneLineError(r, "val.txt");
        assertEquals("", out.toString(java.nio.charset.StandardCharsets.UTF_8), "nothing on standard output before the refusal");
    }

    @Test
    void inferPrintsSizesAsHeightByWidthLikeInputSize() throws Exception {
        Path wide = dir.resolve("wide.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(48, 24, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", wide.toFile());
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code;
        StringWriter err = new StringWriter();
        try (java.io.PrintStream capture = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = KemwbCli.execute(new PrintWriter(err, true), "infer", "--checkpoint", checkpoint.toString(), wide.toString(),
                    "--out", dir.resolve("o").toString(), "--device", "cpu");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, err.toString());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("(24x48 HxW, model input "), text);
    }
}
