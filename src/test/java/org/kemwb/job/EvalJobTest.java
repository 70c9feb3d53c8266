package org.kemwb.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/** The evaluation job: progress over reading then scoring, a cooperative cancel, one-line errors. */
class EvalJobTest {
    @TempDir
    Path dir;

    private Path checkpoint() throws Exception {
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.CA, 32, 8, 16, 2, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        Path file = dir.resolve("ca.params");
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, file, Map.of());
        }
        return file;
    }

    /** Records progress; cancels once {@code cancelAt} units are done (never when negative). */
    static final class Recorder implements JobListener {
        final List<long[]> progress = new ArrayList<>();
        final long cancelAt;

        Recorder(long cancelAt) {
            this.cancelAt = cancelAt;
        }

        @Override
        public void progress(long done, long total) {
            progress.add(new long[] {done, total});
        }

        @Override
        public boolean isCancelled() {
            return cancelAt >= 0 && !progress.isEmpty() && progress.getLast()[0] >= cancelAt;
        }
    }

    @Test
    void progressCountsReadingThenScoringAndTheResultHasTheSet() throws Exception {
        Recorder r = new Recorder(-1);
        EvalJob.Outcome o = new EvalJob(checkpoint(), "cpu", EvalJob.Data.synthetic(10, 1, 100_000), MetricConvention.PUBLISHED).run(r);
        assertEquals(10, o.images());
        assertEquals(10, o.result().semseg().images());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 18L, 20L), r.progress.stream().map(p -> p[0]).toList(),
                "10 images read one by one, then scored in batches of 8");
        assertTrue(r.progress.stream().allMatch(p -> p[1] == 20));
        assertTrue(o.result().metrics().containsKey("semseg_miou"));
    }

    @Test
    void aCancelStopsTheJobWithoutAResult() throws Exception {
        Recorder r = new Recorder(3);
        assertNull(new EvalJob(checkpoint(), "cpu", EvalJob.Data.synthetic(50, 1, 100_000), MetricConvention.PUBLISHED).run(r));
        assertEquals(3, r.progress.size(), "stops reading at the next image");
        Recorder scoring = new Recorder(50 + 8);
        assertNull(new EvalJob(checkpoint(), "cpu", EvalJob.Data.synthetic(50, 1, 100_000), MetricConvention.PUBLISHED).run(scoring));
        assertEquals(58, scoring.progress.getLast()[0], "stops scoring after the batch in progress");
    }

    @Test
    void aFolderWithoutASplitListIsOneLineNamingIt() throws Exception {
        Path empty = dir.resolve("empty");
        java.nio.file.Files.createDirectories(empty);
        var e = assertThrows(java.io.IOException.class,
                () -> new EvalJob(checkpoint(), "cpu", EvalJob.Data.folder(empty), MetricConvention.PUBLISHED).run(JobListener.NONE));
        assertTrue(e.getMessage().contains(empty.toString()) && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvalJob.Data.synthetic(0, 1, 0));
    }
}
