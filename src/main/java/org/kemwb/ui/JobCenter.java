package org.kemwb.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import org.kemwb.job.Job;
import org.kemwb.job.JobListener;
import org.kemwb.job.TrainingJob;
import org.kemwb.train.RunStatus;

/**
 * Every background task of the workbench goes through here, and the pages and the status bar
 * observe it: an observable list of running and queued jobs ({@link #jobs()}), each with its own
 * progress, time left and cancel; the active training run ({@link #trainingProperty()}), of which
 * there is at most one; and "cancel the newest user job" for Esc.
 *
 * <p>Where work runs: inference and model loading on one engine thread (DJL predictors are not
 * thread-safe; jobs there wait their turn and show as queued; a queued job cancelled before its
 * turn never runs); long jobs (training, experiments, exports) and background refreshes on
 * threads of their own. User jobs are what the user started and sees in the jobs list;
 * background jobs (e.g. the Runs page polling its folders) are tracked the same way but never
 * listed, shown in the status bar or cancelled by Esc.
 *
 * <p>The list and the properties change on the JavaFX thread only.
 */
public final class JobCenter implements AutoCloseable {
    /** Who a job is for. */
    public enum Kind { USER, BACKGROUND }

    // GUI jobs leave the UI a core (EngineSetup.useUiJobThreadsOnThisThread: cores - 1 intra-op threads)
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> daemon(() -> {
        org.kemwb.model.EngineSetup.useUiJobThreadsOnThisThread();
        r.run();
    }, "kemwb-engine"));
    private final ObservableList<Entry> jobs = FXCollections.observableArrayList();
    private final ObservableList<Entry> readOnlyJobs = FXCollections.unmodifiableObservableList(jobs);
    private final FilteredList<Entry> userJobs = new FilteredList<>(jobs, e -> e.kind == Kind.USER);
    private final ReadOnlyObjectWrapper<Training> training = new ReadOnlyObjectWrapper<>();
    private final List<Entry> all = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private final javafx.beans.property.ReadOnlyLongWrapper succeeded = new javafx.beans.property.ReadOnlyLongWrapper();

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One job in the list. Properties change on the FX thread. */
    public final class Entry {
        private final String title;
        private final Kind kind;
        private final Task<?> task;
        private final long order;
        private final ReadOnlyBooleanWrapper queued = new ReadOnlyBooleanWrapper(true);
        private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("queued");
        private long firstNanos;
        private double firstWork = -1;
        private volatile boolean started;

        Entry(String title, Kind kind, Task<?> task) {
            this.title = title;
            this.kind = kind;
            this.task = task;
            this.order = submitted.incrementAndGet();
            task.workDoneProperty().addListener((o, a, b) -> updateDetail());
            task.totalWorkProperty().addListener((o, a, b) -> updateDetail());
            task.messageProperty().addListener((o, a, b) -> updateDetail());
        }

        public String title() {
            return title;
        }

        public Kind kind() {
            return kind;
        }

        public Task<?> task() {
            return task;
        }

        /** True until the job starts running (engine jobs wait for the ones before them). */
        public ReadOnlyBooleanProperty queuedProperty() {
            return queued.getReadOnlyProperty();
        }

        /** "queued", or progress as "step 40 / 400 · 1 min 20 s left" (or the job's message when it has no steps). */
        public ReadOnlyStringProperty detailProperty() {
            return detail.getReadOnlyProperty();
        }

        /** Stops the job: a queued job never runs; a running one stops at its next safe point. */
        public void cancel() {
            task.cancel();
        }

        private void markStarted() {
            started = true;
            queued.set(false);
            updateDetail();
        }

        private void updateDetail() {
            if (!started) {
                detail.set("queued");
                return;
            }
            double done = task.getWorkDone();
            double total = task.getTotalWork();
            if (done < 0 || total <= 0) {
                String m = task.getMessage();
                detail.set(m == null || m.isEmpty() ? "running" : m);
                return;
            }
            long now = System.nanoTime();
            String left = "";
            if (firstWork < 0) {
                firstWork = done;
                firstNanos = now;
            } else if (done > firstWork) {
                double seconds = (now - firstNanos) / 1e9 / (done - firstWork) * (total - done);
                left = " · " + duration(seconds) + " left";
            }
            detail.set(String.format(Locale.ROOT, "%d / %d%s", (long) done, (long) total, left));
        }
    }

    /** The one training run the workbench may run at a time, with its metrics rows (history first). */
    public static final class Training {
        private final TrainingJob job;
        private final Entry entry;
        private final List<Map<String, String>> rows = new ArrayList<>();
        private final List<Consumer<List<Map<String, String>>>> subscribers = new ArrayList<>();

        Training(TrainingJob job, Entry entry) {
            this.job = job;
            this.entry = entry;
        }

        public TrainingJob job() {
            return job;
        }

        public Entry entry() {
            return entry;
        }

        /**
         * Calls {@code consumer} with every row so far (a resumed run's history first), then with
         * each batch of new rows as it is written, on the training thread. No row is missed or
         * given twice.
         */
        public synchronized void subscribe(Consumer<List<Map<String, String>>> consumer) {
            if (!rows.isEmpty()) {
                consumer.accept(List.copyOf(rows));
            }
            subscribers.add(consumer);
        }

        public synchronized void unsubscribe(Consumer<List<Map<String, String>>> consumer) {
            subscribers.remove(consumer);
        }

        synchronized void publish(List<Map<String, String>> batch) {
            rows.addAll(batch);
            for (var s : subscribers) {
                s.accept(batch);
            }
        }
    }

    /** Running and queued jobs of every kind, oldest first (FX thread). */
    public ObservableList<Entry> jobs() {
        return readOnlyJobs;
    }

    /** Running and queued user jobs, oldest first: what the jobs list shows. */
    public ObservableList<Entry> userJobs() {
        return userJobs;
    }

    /** The training run now running (at most one), or null. */
    public ReadOnlyObjectProperty<Training> trainingProperty() {
        return training.getReadOnlyProperty();
    }

    /** How many jobs were submitted so far; a job's number ({@link #lastSucceededProperty}) is its place in that count, from 1. */
    public long submittedCount() {
        return submitted.get();
    }

    /**
     * The number of the user job that succeeded last (0 before any): a page can tell whether an
     * error it shows is older than a later success (FX thread).
     */
    public javafx.beans.property.ReadOnlyLongProperty lastSucceededProperty() {
        return succeeded.getReadOnlyProperty();
    }

    /** Runs a user task on the engine thread, after the engine jobs before it. */
    public <T> Task<T> onEngine(Task<T> task) {
        return onEngine(task, "Working");
    }

    /** Runs a user task on the engine thread with this title in the jobs list. */
    public <T> Task<T> onEngine(Task<T> task, String title) {
        Entry e = register(title, Kind.USER, task);
        engine.submit(() -> runEntry(e, false));
        return task;
    }

    /** Runs a long user task on a thread of its own (name: the thread's name). */
    public <T> Task<T> onOwnThread(Task<T> task, String name) {
        return start(task, name, Kind.USER, title(name));
    }

    /** Runs a background refresh on a thread of its own: tracked, never listed, never cancelled by Esc. */
    public <T> Task<T> background(Task<T> task, String name) {
        return start(task, name, Kind.BACKGROUND, title(name));
    }

    /**
     * Runs a UI-free job as a user job on its own thread. The returned task ends normally when
     * the job stops after a cancel (cooperative: no thread interrupt, so files are written whole).
     */
    public <T> Task<T> submit(Job<T> job, Consumer<List<Map<String, String>>> rows) {
        Task<T> task = adapt(job, rows);
        return start(task, "kemwb-job", Kind.USER, job.title());
    }

    /**
     * Starts or resumes a training run, as the active training (FX thread).
     *
     * @throws IllegalStateException if a training run is already running (its name is in the message)
     */
    public Task<RunStatus> train(TrainingJob job) {
        if (training.get() != null) {
            throw new IllegalStateException("a training run is already running (" + training.get().job().name()
                    + "): cancel it first");
        }
        Training[] holder = new Training[1];
        Task<RunStatus> task = adapt(job, batch -> holder[0].publish(batch));
        Entry e = register(job.title(), Kind.USER, task);
        holder[0] = new Training(job, e);
        training.set(holder[0]);
        task.stateProperty().addListener((o, a, s) -> {
            if (isDone(s) && training.get() == holder[0]) {
                training.set(null);
            }
        });
        launch(e, "kemwb-train");
        return task;
    }

    /** Cancels the newest user job (running or queued); background jobs are never touched. Returns it, or null. */
    public Entry cancelNewestUserJob() {
        Entry newest = null;
        for (Entry e : userJobs) {
            if (newest == null || e.order > newest.order) {
                newest = e;
            }
        }
        if (newest != null) {
            newest.cancel();
        }
        return newest;
    }

    private <T> Task<T> start(Task<T> task, String name, Kind kind, String title) {
        Entry e = register(title, kind, task);
        launch(e, name);
        return task;
    }

    private void launch(Entry e, String threadName) {
        Thread t = daemon(() -> {
            org.kemwb.model.EngineSetup.useUiJobThreadsOnThisThread(); // the UI keeps a core
            runEntry(e, true);
        }, threadName);
        threads.add(t);
        t.start();
    }

    private void runEntry(Entry e, boolean ownThread) {
        try {
            if (e.task.isCancelled()) {
                return; // cancelled while queued: never runs
            }
            e.started = true;
            fx(e::markStarted);
            if (ownThread && e.kind == Kind.USER) {
                org.kemwb.model.EngineSetup.useUiJobThreadsOnThisThread(); // the UI keeps a core
            }
            e.task.run();
        } finally {
            if (ownThread) {
                if (e.kind == Kind.USER) {
                    // the allocator keeps a job's freed tensor memory for reuse; give it back when the job ends
                    org.kemwb.model.NativeAllocator.releaseFree();
                }
                threads.remove(Thread.currentThread());
            }
        }
    }

    private Entry register(String title, Kind kind, Task<?> task) {
        Entry e = new Entry(title, kind, task);
        all.add(e);
        task.stateProperty().addListener((o, a, s) -> {
            if (isDone(s)) {
                jobs.remove(e);
                all.remove(e);
            }
            if (s == Worker.State.SUCCEEDED && kind == Kind.USER && e.order > succeeded.get()) {
                succeeded.set(e.order);
            }
        });
        fx(() -> {
            if (!isDone(task.getState())) {
                jobs.add(e);
            }
        });
        return e;
    }

    private static boolean isDone(Worker.State s) {
        return s == Worker.State.SUCCEEDED || s == Worker.State.FAILED || s == Worker.State.CANCELLED;
    }

    private static void fx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    /** A JavaFX task running a UI-free job with a cooperative cancel. */
    private static <T> Task<T> adapt(Job<T> job, Consumer<List<Map<String, String>>> rows) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean();
        return new Task<>() {
            @Override
            protected T call() throws Exception {
                running.set(true);
                updateMessage(job.title());
                return job.run(new JobListener() {
                    @Override
                    public void progress(long done, long total) {
                        updateProgress(done, total);
                    }

                    @Override
                    public void message(String text) {
                        updateMessage(text);
                    }

                    @Override
                    public void rows(List<Map<String, String>> batch) {
                        if (rows != null) {
                            rows.accept(batch);
                        }
                    }

                    @Override
                    public boolean isCancelled() {
                        return stop.get();
                    }
                });
            }

            /** Before it starts: a real cancel (it never runs). Running: ask the job to stop at its next safe point. */
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                stop.set(true);
                return running.get() ? true : super.cancel(false);
            }
        };
    }

    private static String title(String threadName) {
        String t = threadName.startsWith("kemwb-") ? threadName.substring(6) : threadName;
        t = t.replace('-', ' ');
        return t.isEmpty() ? "Working" : Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    /** "45 s", "3 min 20 s", "2 h 5 min". */
    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /**
     * Cancels every job (training runs stop at their next step and record "cancelled"), waits for
     * their threads, then runs {@code last} on the engine thread (e.g. closing models) and stops it.
     */
    public void close(Runnable last) {
        all.forEach(e -> e.task.cancel());
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (last != null) {
            engine.submit(last);
        }
        engine.shutdown();
        try {
            if (!engine.awaitTermination(10, TimeUnit.SECONDS)) {
                engine.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(null);
    }
}
