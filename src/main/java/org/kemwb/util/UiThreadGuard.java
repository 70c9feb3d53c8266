package org.kemwb.util;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records heavy work (inference, training steps, model build/load, image reads, checkpoint and
 * run-folder writes) that runs on the user-interface thread. The app registers its UI thread at
 * start; the engine's entry points call {@link #check(String)}. Nothing here depends on the UI
 * toolkit, so the engine stays UI-free; with no thread registered (CLI, tests of the engine)
 * every check passes. A violation is recorded, not thrown: the work still completes, and the
 * GUI tests assert that none was recorded.
 */
public final class UiThreadGuard {
    private static volatile Thread uiThread;
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

    private UiThreadGuard() {}

    /** Registers the calling thread as the UI thread (the JavaFX application thread). */
    public static void registerCurrentThread() {
        uiThread = Thread.currentThread();
    }

    /** Forgets the registered UI thread; later checks pass on every thread. */
    public static void unregister() {
        uiThread = null;
    }

    /**
     * Records a violation when the calling thread is the registered UI thread.
     *
     * @param what the kind of work, e.g. "inference", "training step", "model load"
     * @return true when the call is allowed (not on the UI thread)
     */
    public static boolean check(String what) {
        Thread ui = uiThread;
        if (ui != null && Thread.currentThread() == ui) {
            // the entry point and the next callers, e.g. "AtomicFiles.write <- Checkpoint.save <- ..."
            String caller = StackWalker.getInstance().walk(frames -> frames.skip(1).limit(4)
                    .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                    .collect(java.util.stream.Collectors.joining(" <- ")));
            VIOLATIONS.add(what + " on the UI thread " + ui.getName() + " (called from " + caller + ")");
            return false;
        }
        return true;
    }

    /** Every violation recorded since the last {@link #clear()}, oldest first. */
    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    public static void clear() {
        VIOLATIONS.clear();
    }
}
