package org.kemwb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File helpers of the tests. */
public final class TestFiles {
    private TestFiles() {}

    /** Copies the folder {@code src} with everything below it to {@code dst} (created); returns {@code dst}. */
    public static Path copyTree(Path src, Path dst) throws IOException {
        try (var walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }
}
