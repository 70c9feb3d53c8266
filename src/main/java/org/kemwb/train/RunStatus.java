package org.kemwb.train;

import java.util.Locale;
import java.util.Optional;

/**
 * The state of a training run. {@code run.json} records what its writer last said (created,
 * running, finished, failed, cancelled); a reader adds what it observes: {@link #INTERRUPTED}
 * (run.json says running but no trainer holds the folder's {@link RunLock}, e.g. after a crash
 * or a kill) and {@link #STALLED} (a trainer may hold it, but no new metrics row came for a while).
 */
public enum RunStatus {
    CREATED, RUNNING, FINISHED, FAILED, CANCELLED, INTERRUPTED, STALLED;

    /** The word written in run.json and shown to users ("running"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the states after which a run will not change by itself. */
    public boolean isFinal() {
        return this == FINISHED || this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }

    /**
     * The status of a run.json "status" value, case-insensitive; other tools' synonyms
     * ("completed", "done", "killed", "error") map to the nearest state; anything else is empty.
     */
    public static Optional<RunStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return Optional.ofNullable(switch (t) {
            case "created", "queued", "pending" -> CREATED;
            case "running", "training" -> RUNNING;
            case "finished", "completed", "complete", "done", "success" -> FINISHED;
            case "failed", "error", "crashed" -> FAILED;
            case "cancelled", "canceled", "killed", "stopped" -> CANCELLED;
            case "interrupted" -> INTERRUPTED;
            case "stalled" -> STALLED;
            default -> null;
        });
    }

    @Override
    public String toString() {
        return id();
    }
}
