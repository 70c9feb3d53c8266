package org.kemwb.ui;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.concurrent.Task;

/**
 * Background work of the workbench. Inference and model loading run on one "engine" thread
 * (DJL predictors are not thread-safe and the models are only touched there); long jobs such
 * as training run on their own threads. The latest job is exposed for the status bar.
 */
public final class Jobs implements AutoCloseable {
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> daemon(r, "kemwb-engine"));
    private final ObjectProperty<Task<?>> current = new SimpleObjectProperty<>();

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public ObjectProperty<Task<?>> currentProperty() {
        return current;
    }

    /** Runs a task on the engine thread. */
    public <T> Task<T> onEngine(Task<T> task) {
        show(task);
        engine.submit(task);
        return task;
    }

    /** Runs a long task on a thread of its own. */
    public <T> Task<T> onOwnThread(Task<T> task, String name) {
        show(task);
        daemon(task, name).start();
        return task;
    }

    private void show(Task<?> task) {
        if (Platform.isFxApplicationThread()) {
            current.set(task);
        } else {
            Platform.runLater(() -> current.set(task));
        }
    }

    public void cancelCurrent() {
        Task<?> t = current.get();
        if (t != null) {
            t.cancel();
        }
    }

    /** Cancels the visible job and lets the engine finish what is queued (e.g. closing models). */
    @Override
    public void close() {
        cancelCurrent();
        engine.shutdown();
        try {
            if (!engine.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                engine.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
