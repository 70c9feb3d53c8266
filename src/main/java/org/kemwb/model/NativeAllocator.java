package org.kemwb.model;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunes glibc's malloc, which libtorch's CPU allocator uses for every tensor.
 *
 * <p>Why: by default glibc serves blocks above a dynamic threshold (at most 32 MB) with a fresh
 * {@code mmap} and returns them with {@code munmap} on free, and trims freed memory above 128 KB
 * at the top of a heap. A training step allocates and frees the same tens of megabytes of
 * activations every time, so every step page-faults all of them in again; on this project's
 * 2-core VM a fault costs about 2 us per 4 KB page. The kem interaction at L = 1024 spent 2/3 of
 * its step in the kernel (248 ms -> 83 ms per step with these settings; 4.3 M -> 0.27 M minor
 * faults for the kem/skem benchmark; bench/README.md). PyTorch's CPU tuning guide recommends a
 * caching allocator (jemalloc, tcmalloc) for the same reason; this gets the effect without
 * shipping one.
 *
 * <p>Settings: no mmap for ordinary blocks, keep freed memory at a heap's top (up to 2 GB), grow
 * heaps by {@link #TOP_PAD} at a time. Blocks larger than a thread arena's 64 MB heap (ca's
 * attention matrix at L >= 1024) still get an mmap of their own, so libtorch is also asked to
 * use transparent huge pages for large tensors (ca at L = 1024: 4.6 s -> 1.2 s per step); with
 * {@code MALLOC_ARENA_MAX=1}, which puts every thread on the main heap where such blocks are
 * reused too, 0.92 s: the {@code kemwb} launcher sets it. Freed memory is kept for reuse,
 * not leaked: {@link #releaseFree()} gives it back to the system, and the app calls it when a
 * job ends. Only on Linux with glibc; elsewhere, or with {@code -Dkemwb.malloc=default}, nothing
 * changes.
 */
public final class NativeAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(NativeAllocator.class);

    /** glibc's mallopt parameter numbers (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;

    /** mallopt takes an int: the largest threshold it can express, so trimming happens only on request. */
    static final int TRIM_THRESHOLD = Integer.MAX_VALUE;
    static final int TOP_PAD = 64 << 20;

    private static volatile Boolean tuned;

    private NativeAllocator() {}

    /** Applies the settings once per process; true when glibc accepted all of them. */
    public static synchronized boolean tune() {
        if (tuned != null) {
            return tuned;
        }
        tuned = false;
        if ("default".equalsIgnoreCase(System.getProperty("kemwb.malloc", ""))) {
            LOG.info("malloc left at its defaults (-Dkemwb.malloc=default)");
            return false;
        }
        Optional<MethodHandle> mallopt = glibc("mallopt",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        if (mallopt.isEmpty()) {
            return false;
        }
        try {
            MethodHandle set = mallopt.get();
            enableTorchHugePages();
            boolean ok = (int) set.invokeExact(M_MMAP_MAX, 0) == 1;
            ok &= (int) set.invokeExact(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
            ok &= (int) set.invokeExact(M_TOP_PAD, TOP_PAD) == 1;
            tuned = ok;
            LOG.debug("glibc malloc tuned for tensor reuse: {}", ok);
        } catch (Throwable e) {
            LOG.warn("could not tune malloc: {}", e.toString());
        }
        return tuned;
    }

    /**
     * Sets libtorch's THP_MEM_ALLOC_ENABLE (unless the user set it): tensors of 2 MB and more are
     * then 2 MB-aligned and advised as transparent huge pages, so a block that still needs fresh
     * pages (one above 64 MB) faults once per 2 MB instead of once per 4 KB: ca at L = 1024
     * 4.6 s -> 1.2 s per step. libtorch reads the variable at its first large allocation, so this
     * must run before the engine loads; the kernel decides (THP "madvise" or "always" modes).
     */
    private static void enableTorchHugePages() throws Throwable {
        Optional<MethodHandle> setenv = glibc("setenv", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        if (setenv.isPresent()) {
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) setenv.get().invokeExact(arena.allocateFrom("THP_MEM_ALLOC_ENABLE"), arena.allocateFrom("1"), 0);
                LOG.debug("THP_MEM_ALLOC_ENABLE set: {}", rc == 0);
            }
        }
    }

    private static volatile Boolean zeroFill;

    /**
     * Has libtorch zero every CPU tensor it allocates (its own allocator flag
     * {@code caffe2_cpu_allocator_do_zero_fill} in libc10), once the engine is loaded; once per
     * process, on Linux with glibc, unless {@code -Dkemwb.zerofill=false}.
     *
     * <p>Why: libtorch 2.5.1's oneDNN 3x3 convolution over a channel count that is not a multiple
     * of 16 (HRNet-18's 18, 36, 72, 144) reads bytes of a new tensor that it never wrote (the
     * padding of a 16-channel block) and multiplies them by zero. Bytes of earlier tensors that read
     * as NaN or infinity then make the whole output NaN (0 * NaN = NaN): MTI-Net/HRNet-18 gave NaN
     * in every output through {@code kemwb infer}, and a plain {@code Conv2d(18, 18, 3)} on a
     * 120x160 map gave 307200 of 345600 NaN on its first forward. glibc's defaults hid it (blocks
     * above the mmap threshold are fresh zero pages); with no mmap per block ({@link #tune()})
     * freed tensors are reused with their old bytes. Zeroing costs one memset per allocation
     * (memory bandwidth, no page faults); bench/README.md has the measurement. The same
     * convolution is also numerically wrong, so oneDNN is off as well ({@link EngineSetup#oneDnnOff});
     * the zero fill stays for any other kernel that reads what it did not write.
     *
     * @return true when the flag is set in this process
     */
    public static synchronized boolean zeroFillTorchAllocations() {
        if (zeroFill != null) {
            return zeroFill;
        }
        zeroFill = false;
        if ("false".equalsIgnoreCase(System.getProperty("kemwb.zerofill", "")) || glibc("gnu_get_libc_version",
                FunctionDescriptor.of(ValueLayout.ADDRESS)).isEmpty()) {
            return false;
        }
        try {
            // libc10 was loaded with System.load by DJL's classes, which share this class loader
            Optional<MemorySegment> flag = java.lang.foreign.SymbolLookup.loaderLookup().find("FLAGS_caffe2_cpu_allocator_do_zero_fill");
            if (flag.isEmpty()) {
                LOG.warn("libtorch's zero-fill flag not found: tensors keep the bytes of reused memory");
                return false;
            }
            flag.get().reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            zeroFill = true;
            LOG.debug("libtorch zero-fills CPU allocations");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("could not set libtorch's zero fill: {}", e.toString());
        }
        return zeroFill;
    }

    /** Whether {@link #tune()} has taken effect in this process. */
    public static boolean isTuned() {
        return Boolean.TRUE.equals(tuned);
    }

    /**
     * Returns free heap memory to the system ({@code malloc_trim(0)}): after a job, so that the
     * memory kept for reuse during it does not stay resident. Does nothing off glibc.
     */
    public static void releaseFree() {
        TrimHolder.MALLOC_TRIM.ifPresent(trim -> {
            try {
                int released = (int) trim.invokeExact(0L);
                LOG.debug("malloc_trim released memory: {}", released == 1);
            } catch (Throwable e) {
                LOG.warn("malloc_trim failed: {}", e.toString());
            }
        });
    }

    /** malloc_trim's handle, looked up once on first use. */
    private static final class TrimHolder {
        static final Optional<MethodHandle> MALLOC_TRIM =
                glibc("malloc_trim", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    }

    /** A glibc function, present only on Linux with glibc (gnu_get_libc_version tells glibc from musl). */
    private static Optional<MethodHandle> glibc(String name, FunctionDescriptor signature) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            if (linker.defaultLookup().find("gnu_get_libc_version").isEmpty()) {
                return Optional.empty();
            }
            Optional<MemorySegment> symbol = linker.defaultLookup().find(name);
            return symbol.map(s -> linker.downcallHandle(s, signature));
        } catch (RuntimeException | LinkageError e) {
            // native access disabled (--enable-native-access missing and denied) or no linker
            LOG.warn("no access to {}: {}", name, e.toString());
            return Optional.empty();
        }
    }
}
