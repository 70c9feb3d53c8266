package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kemwb.bench.ProcessMemory;

/**
 * The allocator settings must make libtorch reuse freed tensor memory instead of faulting fresh
 * pages in on every allocation: that is what made the kem step at L = 1024 three times faster.
 */
class NativeAllocatorTest {
    private static final long TENSOR_BYTES = 40L << 20; // below a thread arena's 64 MB heap
    private static final long PAGE = 4096;

    @Test
    void freedTensorMemoryIsReusedWithoutNewPageFaults() throws IOException {
        EngineSetup.init();
        assumeTrue(NativeAllocator.isTuned(), "glibc malloc not available here");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // glibc's posix_memalign leaves each freed block a little too small for the next
            // request of the same size until neighbours coalesce: steady state after ~9 rounds
            for (int i = 0; i < 14; i++) {
                allocateAndFree(manager);
            }
            long before = minorFaults();
            int rounds = 10;
            for (int i = 0; i < rounds; i++) {
                allocateAndFree(manager);
            }
            long faults = minorFaults() - before;
            long pagesPerTensor = TENSOR_BYTES / PAGE;
            // glibc's defaults mmap a 40 MB block afresh each time: >= 10 x 10 240 faults.
            assertTrue(faults < rounds * pagesPerTensor / 4,
                    "freed tensor memory was not reused: " + faults + " minor page faults for " + rounds
                            + " allocations of " + pagesPerTensor + " pages");
        }
        // the memory kept for reuse goes back to the system on request (the app does this after each job)
        long kept = ProcessMemory.rssBytes();
        NativeAllocator.releaseFree();
        long released = kept - ProcessMemory.rssBytes();
        // RSS also moves with the other threads of the test JVM (GC, JIT, other tests' arenas): ask for
        // half a tensor's worth, which a trim that returns nothing can never reach
        assertTrue(released > TENSOR_BYTES / 2, "malloc_trim gave back only " + (released >> 20) + " MB");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertTrue(manager.ones(new Shape(1024, 1024)).sum().getFloat() == 1024 * 1024);
        }
    }

    private static void allocateAndFree(NDManager parent) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.ones(new Shape(TENSOR_BYTES / 4));
            assertTrue(x.getFloat(TENSOR_BYTES / 4 - 1) == 1f);
        }
    }

    /** This process's minor page faults so far (field 10 of /proc/self/stat). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
