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
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> daemon(() -> {
        org.kemwb.model.EngineSetup.useUiJobThreadsOnThisThread();
        r.run();
    }, "kemwb-engine"));
    private final ObjectProperty<Task<?>> current = new SimpleObjectProperty<>();
    private final java.util.Set<Task<?>> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

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
        track(task);
        show(task);
        engine.submit(task);
        return task;
    }

    /** Runs a long task on a thread of its own. */
    public <T> Task<T> onOwnThread(Task<T> task, String name) {
        track(task);
        show(task);
        // the allocator keeps a job's freed tensor memory for reuse; give it back when the job ends
        Thread t = daemon(() -> {
            try {
                org.kemwb.model.EngineSetup.useUiJobThreadsOnThisThread(); // the UI keeps a core
                task.run();
            } finally {
                org.kemwb.model.NativeAllocator.releaseFree();
            }
        }, name);
        threads.add(t);
        t.start();
        return task;
    }

    private void track(Task<?> task) {
        active.add(task);
        task.runningProperty().addListener((o, was, running) -> {
            if (!running && task.isDone()) {
                active.remove(task);
            }
        });
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

    /**
     * Cancels every job (training runs stop at their next step and record "cancelled"), waits
     * for their threads, and lets the engine finish what is queued (e.g. closing models).
     */
    @Override
    public void close() {
        active.forEach(Task::cancel);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
