package org.kemwb.model;

/**
 * Settings that must be in place before DJL's PyTorch engine loads. Called first by every
 * entry point (CLI, app) and by {@link LoadedModel}.
 */
public final class EngineSetup {
    /**
     * DJL's PyTorch GradientCollector allows one collecting instance per process ("Only one can
     * be collecting at a time"). Every forward+backward holds this lock, so training runs on
     * different threads interleave their steps instead of failing.
     */
    public static final java.util.concurrent.locks.ReentrantLock AUTOGRAD = new java.util.concurrent.locks.ReentrantLock();

    private EngineSetup() {}

    /**
     * Never download anything at run time; one inter-op thread (this is a desktop tool that
     * runs one job per thread); intra-op threads from KEMWB_THREADS when set, else libtorch's
     * default (all cores); glibc malloc tuned to reuse tensor memory ({@link NativeAllocator}).
     */
    public static void init() {
        System.setProperty("ai.djl.offline", "true");
        NativeAllocator.tune();
        String threads = System.getenv("KEMWB_THREADS");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null && threads != null && !threads.isBlank()) {
            System.setProperty("ai.djl.pytorch.num_threads", threads.trim());
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /**
     * Loads the PyTorch engine (when not loaded yet) and applies what needs it loaded: libtorch
     * zero-fills its CPU tensors ({@link NativeAllocator#zeroFillTorchAllocations}) and does not
     * use oneDNN ({@link #oneDnnOff}). Call before a model runs; every model loader and job thread does.
     */
    public static void engineLoaded() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        NativeAllocator.zeroFillTorchAllocations();
        oneDnnOff();
    }

    private static volatile Boolean oneDnnOff;

    /**
     * Turns libtorch's oneDNN (mkldnn) kernels off ({@code at::globalContext().setUserEnabledMkldnn(false)},
     * what {@code torch.backends.mkldnn.enabled = False} does), once per process, unless
     * {@code -Dkemwb.onednn=true}. Why: in libtorch 2.5.1 (DJL's build, on this AVX-512 CPU)
     * oneDNN's 3x3 convolution over a channel count that is not a multiple of 16 is wrong: a
     * Conv2d(18, 18, 3) differs from PyTorch 1.13 and float64 by up to 0.33 (Conv2d(16, 16, 3):
     * exact), and it reads never-written bytes of a new tensor, which made MTI-Net (HRNet-18)
     * all NaN. Without oneDNN libtorch's own convolution matches PyTorch to 1.4e-6.
     *
     * @return true when oneDNN is off in this process
     */
    public static synchronized boolean oneDnnOff() {
        if (oneDnnOff != null) {
            return oneDnnOff;
        }
        oneDnnOff = false;
        if ("true".equalsIgnoreCase(System.getProperty("kemwb.onednn", ""))) {
            return false;
        }
        try {
            java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
            java.lang.foreign.SymbolLookup torch = java.lang.foreign.SymbolLookup.loaderLookup(); // libtorch_cpu, loaded by DJL
            var context = torch.find("_ZN2at13globalContextEv");
            var set = torch.find("_ZN2at7Context20setUserEnabledMkldnnEb");
            if (context.isEmpty() || set.isEmpty()) {
                return false;
            }
            java.lang.foreign.MemorySegment ctx = (java.lang.foreign.MemorySegment) linker.downcallHandle(context.get(),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS)).invokeExact();
            linker.downcallHandle(set.get(), java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.ADDRESS,
                    java.lang.foreign.ValueLayout.JAVA_BOOLEAN)).invokeExact(ctx, false);
            oneDnnOff = true;
        } catch (Throwable e) {
            org.slf4j.LoggerFactory.getLogger(EngineSetup.class).warn("could not turn oneDNN off: {}", e.toString());
        }
        return oneDnnOff;
    }

    /**
     * Intra-op threads for jobs started from the workbench window: KEMWB_THREADS when set, else
     * one fewer than the cores when there is more than one, so the JavaFX thread keeps a core
     * while a job runs (the CLI keeps libtorch's default, all cores).
     *
     * @param cores available processors
     * @param configured the KEMWB_THREADS value, or null
     */
    public static int uiJobThreads(int cores, String configured) {
        if (configured != null && !configured.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(configured.trim()));
            } catch (NumberFormatException e) {
                // fall through to the default
            }
        }
        return cores > 1 ? cores - 1 : 1;
    }

    /**
     * Sets libtorch's intra-op threads for work started on the calling thread (OpenMP keeps
     * the count per thread; threads started later inherit it) to {@link #uiJobThreads}.
     * Loads the engine when it is not loaded yet; call on a background thread.
     */
    public static void useUiJobThreadsOnThisThread() {
        engineLoaded();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(uiJobThreads(Runtime.getRuntime().availableProcessors(),
                System.getenv("KEMWB_THREADS")));
    }

    /**
     * Turns autograd recording off on the calling thread. PyTorch's grad mode is per thread and
     * on by default in new threads; DJL's GradientCollector restores the previous mode when it
     * closes, so on a fresh worker thread inference would build graphs and in-place optimizer
     * updates would fail ("a leaf Variable that requires grad is being used in an in-place
     * operation"). Call before inference and before optimizer updates.
     */
    public static void noGradOnThisThread() {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /**
     * Computes a loss with gradients recorded, back-propagates it into the parameters' gradients
     * and returns its value; holds {@link #AUTOGRAD} throughout.
     */
    public static float backward(java.util.function.Supplier<ai.djl.ndarray.NDArray> loss) {
        AUTOGRAD.lock();
        try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            ai.djl.ndarray.NDArray value = loss.get();
            collector.backward(value);
            return value.getFloat();
        } finally {
            AUTOGRAD.unlock();
        }
    }
}
