package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training in a child JVM killed with SIGKILL at random moments (checkpoint writes included),
 * resumed each time: the run folder stays readable and the finished run has every step once.
 */
class CrashResumeTest {
    @TempDir
    Path dir;

    Process resume(Path run) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "org.kemwb.cli.KemwbCli", "resume", run.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    }

    @Test
    void killedRunsResumeWithoutLostOrDuplicatedSteps() throws Exception {
        Path run = dir.resolve("run");
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        int steps = 80;
        TrainingRun.create(run, new TrainConfig(m, steps, 2, 1e-3, 1e-4, 0, 0.9, 1, 5, 1, 1, 8, 2, "cpu", Map.of(), "", 1.0));
        Random rnd = new Random(42);
        int kills = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            Process p = resume(run);
            long delay = 1200 + rnd.nextInt(2500);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(); // SIGKILL
                kills++;
            }
            // whatever moment it died at, the folder is readable
            TrainingRun opened = TrainingRun.open(run);
            assertEquals(steps, opened.config().steps());
            TrainingRun.readMetrics(run);
            for (String ckpt : List.of("last.params", "best.params")) {
                if (Files.exists(run.resolve(ckpt))) {
                    Checkpoint.readHeader(run.resolve(ckpt));
                }
            }
        }
        Process last = resume(run);
        assertTrue(last.waitFor(600, TimeUnit.SECONDS), "final resume finishes (hang limit)");
        assertEquals(0, last.exitValue(), Files.readString(dir.resolve("child.log")));
        assertTrue(kills >= 4, "the child was killed mid-run " + kills + " times");
        var json = org.kemwb.util.Json.MAPPER.readTree(run.resolve("run.json").toFile());
        assertEquals("finished", json.get("status").asText());
        List<Integer> trainSteps = new ArrayList<>();
        List<Integer> evalSteps = new ArrayList<>();
        for (Map<String, String> r : TrainingRun.readMetrics(run)) {
            (r.get("kind").equals("train") ? trainSteps : evalSteps).add(Integer.parseInt(r.get("step")));
        }
        assertEquals(IntStream.rangeClosed(1, steps).boxed().toList(), trainSteps, "every step once, in order");
        assertEquals(IntStream.rangeClosed(1, steps / 5).map(i -> i * 5).boxed().toList(), evalSteps);
        try (var files = Files.list(run)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            // run.lock stays (an empty lock file; only a held lock means "in use")
            assertEquals(List.of("best.params", "last.optim", "last.params", "metrics.csv", "run.json", "run.lock"),
                    names, "no temp files left behind");
        }
        System.out.println("crash test: " + kills + " SIGKILLs, resumed to step " + steps);
    }
}
