package org.kemwb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc (Linux); peak can be reset between cases. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Resets the kernel's peak-RSS counter (VmHWM) to the current RSS; false if unsupported. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static long rssBytes() {
        return field("VmRSS:");
    }

    public static long peakBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
