package org.kemwb.job;

import java.util.List;
import java.util.Map;

/** What a {@link Job} reports while it runs, and how it learns that it should stop. Called on the job's thread. */
public interface JobListener {
    /** Work done so far out of {@code total} (e.g. training steps); total &lt;= 0 when unknown. */
    void progress(long done, long total);

    /** A one-line status ("Training run-3: step 40"). */
    default void message(String text) {
    }

    /**
     * Rows of the job's log as they are written (a training run's metrics.csv rows, column to
     * value). A resumed run first reports the rows it kept from before, in order.
     */
    default void rows(List<Map<String, String>> rows) {
    }

    /** True once the job should stop at its next safe point. */
    boolean isCancelled();

    /** A listener that ignores reports and never cancels. */
    JobListener NONE = new JobListener() {
        @Override
        public void progress(long done, long total) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };
}
