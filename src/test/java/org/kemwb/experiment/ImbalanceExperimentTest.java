package org.kemwb.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kemwb.data.SortOfClevr;
import org.kemwb.data.SortOfClevr.Distribution;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.kemwb.train.AdamW;
import org.kemwb.util.ConfigException;

class ImbalanceExperimentTest {
    @TempDir
    Path dir;

    static ImbalanceExperiment.Settings tiny(List<InteractionKind> modules, int steps, int seeds) {
        var d = ImbalanceExperiment.Settings.defaults();
        return new ImbalanceExperiment.Settings(modules, d.distributions(), seeds, steps, 8, d.lr(), 64, 8, 16, 6, 2, 0, 2.0,
                100, 2, 2);
    }

    /** Gradients reach every part: the model memorises a fixed batch of questions. */
    @ParameterizedTest
    @CsvSource({"kem", "skem"})
    void theRelationalModelFitsAFixedBatch(String module) {
        EngineSetup.init();
        var experiment = new ImbalanceExperiment(ImbalanceExperiment.Settings.defaults());
        SortOfClevr set = new SortOfClevr(5, 64, Distribution.BALANCED, 2);
        var batch = ImbalanceExperiment.QuestionBatch.sample(set, 1000, 32, new Random(1));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(3);
            RelationalNet net = new RelationalNet(experiment.modelConfig(InteractionKind.parse(module)));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64, 64), new Shape(1, SortOfClevr.QUESTION_DIM), new Shape(1, 1));
            var params = net.getParameters().stream().toList();
            AdamW optimizer = new AdamW(0f);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray[] in = batch.arrays(m);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 200; step++) {
                try (NDManager scope = m.newSubManager()) {
                    last = EngineSetup.backward(
                            () -> ImbalanceExperiment.crossEntropy(net.forward(ps, in[0], in[1], in[2], true, false).logits(), in[3]));
                    if (step == 0) {
                        first = last;
                    }
                    optimizer.update(params, 2e-3f);
                }
            }
            assertTrue(first > 1.5, "starts near chance over 10 answers: " + first);
            assertTrue(last < 0.1, module + ": loss " + first + " -> " + last);
        }
    }

    @Test
    void runGivesOneCellPerModuleAndDistributionAndTheFilesReadBack() throws IOException {
        var experiment = new ImbalanceExperiment(tiny(List.of(InteractionKind.KEM, InteractionKind.SKEM), 4, 2));
        List<ImbalanceExperiment.Point> points = new ArrayList<>();
        var cells = experiment.run(points::add, () -> false);
        assertEquals(4, cells.size());
        // 2 modules x 2 distributions x 2 seeds x evaluations at steps 2 and 4
        assertEquals(16, points.size());
        assertEquals(List.of(2, 4), points.stream().limit(2).map(ImbalanceExperiment.Point::step).toList());
        for (var p : points) {
            assertTrue(p.accuracy() >= 0 && p.accuracy() <= 1);
            assertTrue(Double.isFinite(p.trainLoss()));
        }
        // A cell's mean is the mean of its seeds' final accuracies.
        var kemBalanced = points.stream().filter(p -> p.module() == InteractionKind.KEM
                && p.distribution() == Distribution.BALANCED && p.step() == 4).mapToDouble(ImbalanceExperiment.Point::accuracy)
                .average().orElseThrow();
        assertEquals(kemBalanced, cells.getFirst().accuracy().mean(), 1e-12);

        var results = new ImbalanceResults(cells, 2, points);
        results.write(dir);
        var back = ImbalanceResults.read(dir);
        assertEquals(2, back.seeds());
        assertEquals(4, back.cells().size());
        assertEquals(16, back.points().size());
        for (int i = 0; i < 4; i++) {
            assertEquals(cells.get(i).module(), back.cells().get(i).module());
            assertEquals(cells.get(i).distribution(), back.cells().get(i).distribution());
            assertEquals(cells.get(i).accuracy().mean(), back.cells().get(i).accuracy().mean(), 1e-6);
            assertEquals(cells.get(i).tail().std(), back.cells().get(i).tail().std(), 1e-6);
        }
    }

    @Test
    void cancelStopsBeforeTheNextRun() {
        var experiment = new ImbalanceExperiment(tiny(List.of(InteractionKind.KEM), 4, 3));
        List<ImbalanceExperiment.Point> points = new ArrayList<>();
        var cells = experiment.run(points::add, () -> !points.isEmpty());
        assertEquals(1, points.size());
        assertTrue(cells.isEmpty(), "a cancelled run reports no half-finished cell");
    }

    @Test
    void badResultFilesAndSettingsAreNamed() throws IOException {
        Files.writeString(dir.resolve("summary.csv"), ImbalanceExperiment.Cell.CSV_HEADER + "\nkem,balanced,3,0.5\n");
        IOException e = assertThrows(IOException.class, () -> ImbalanceResults.read(dir));
        assertTrue(e.getMessage().contains("summary.csv line 2"), e.getMessage());
        Files.writeString(dir.resolve("summary.csv"), "hello\n");
        e = assertThrows(IOException.class, () -> ImbalanceResults.read(dir));
        assertTrue(e.getMessage().contains("not an imbalance result file"), e.getMessage());
        assertThrows(IOException.class, () -> ImbalanceResults.read(dir.resolve("missing")));

        var d = ImbalanceExperiment.Settings.defaults();
        ConfigException bad = assertThrows(ConfigException.class, () -> new ImbalanceExperiment(new ImbalanceExperiment.Settings(
                d.modules(), d.distributions(), 1, 10, 8, d.lr(), 64, 8, 16, 6, 2, 0, -1.0, 10, 2, 2)));
        assertTrue(bad.getMessage().contains("exponent"), bad.getMessage());
    }

    @Test
    void learningRateWarmsUpThenDecays() {
        var experiment = new ImbalanceExperiment(tiny(List.of(InteractionKind.KEM), 1000, 1));
        double lr = experiment.settings().lr();
        assertEquals(lr / 50, experiment.learningRate(1), 1e-12);
        assertEquals(lr, experiment.learningRate(50), 1e-12);
        assertEquals(lr * 0.05, experiment.learningRate(1000), 1e-9);
        assertTrue(experiment.learningRate(500) < lr && experiment.learningRate(500) > lr * 0.05);
    }
}
