package org.kemwb.job;

/**
 * A unit of long work that knows nothing of its caller: the CLI runs it with a progress-bar
 * listener, the workbench through its job center. It reports through a {@link JobListener} and
 * stops cooperatively when {@link JobListener#isCancelled()} turns true (never by a thread
 * interrupt, which would abort file writes half-way).
 *
 * @param <T> the result
 */
public interface Job<T> {
    /** What the job does, for lists and progress lines ("Training run-3"). */
    String title();

    /**
     * Does the work on the calling thread.
     *
     * @throws Exception with a one-line message naming what failed (file, setting)
     */
    T run(JobListener listener) throws Exception;
}
