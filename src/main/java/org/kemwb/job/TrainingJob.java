package org.kemwb.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.kemwb.train.RunStatus;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;

/**
 * Starts or resumes a training run in a folder, as a {@link Job}: {@code kemwb train}/{@code resume}
 * and the workbench's Train and Runs pages all run this. Progress is the last logged step out of
 * the planned steps; rows are the run's metrics.csv rows (a resumed run reports its kept history
 * first). The run holds the folder's lock while it trains, so a second trainer of the same folder
 * fails with a message naming it.
 */
public final class TrainingJob implements Job<RunStatus> {
    private final Path dir;
    private final TrainConfig config; // null: resume, read from run.json when the job runs

    private TrainingJob(Path dir, TrainConfig config) {
        this.dir = dir;
        this.config = config;
    }

    /** A new run in {@code dir} (which must not hold a run yet) with this config. */
    public static TrainingJob start(Path dir, TrainConfig config) {
        return new TrainingJob(dir, java.util.Objects.requireNonNull(config, "config"));
    }

    /** Continues the run in {@code dir} from its last checkpoint. */
    public static TrainingJob resume(Path dir) {
        return new TrainingJob(dir, null);
    }

    public Path dir() {
        return dir;
    }

    /** Run name: the folder's name. */
    public String name() {
        return dir.getFileName().toString();
    }

    public boolean isResume() {
        return config == null;
    }

    @Override
    public String title() {
        return (isResume() ? "Resuming " : "Training ") + name();
    }

    @Override
    public RunStatus run(JobListener listener) throws Exception {
        listener.message(title());
        TrainingRun run = isResume() ? TrainingRun.open(dir) : TrainingRun.create(dir, config);
        long total = run.config().steps();
        RunStatus status = run.run(new TrainingRun.Listener() {
            @Override
            public void history(List<Map<String, String>> rows) {
                // the run starts here (data and model loaded): progress from its first step on
                listener.progress(rows.isEmpty() ? 0 : Long.parseLong(rows.getLast().get("step")), total);
                if (!rows.isEmpty()) {
                    listener.rows(rows);
                }
            }

            @Override
            public void row(Map<String, String> row) {
                listener.rows(List.of(row));
                listener.progress(Long.parseLong(row.get("step")), total);
            }
        }, listener::isCancelled);
        listener.message("Run " + name() + ": " + status.id());
        return status;
    }
}
