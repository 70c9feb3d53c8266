package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's stderr holds real errors and progress only: a successful `infer` and `convert` in a fresh JVM
 * (where libtorch prints its one-time warnings) write nothing to stderr. In particular loading
 * weights does not trigger libtorch's "AutoNonVariableTypeMode is deprecated" warning.
 */
class QuietCliTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    Result kemwb(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), KemwbCli.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "hang limit");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void inferWritesNothingToStderr() throws Exception {
        Path out = dir.resolve("out");
        Result r = kemwb("infer", "--checkpoint", "samples/checkpoints/kem.params", "samples/images/scene-0.png",
                "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err());
        try (var files = Files.list(out)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "the outputs were written");
        }
    }

    /** Progress off a terminal (stderr is a file here): plain ASCII lines, no ANSI codes or carriage returns. */
    @Test
    void progressToAFileIsPlainLines() throws Exception {
        Result r = kemwb("data", "synth", "--out", dir.resolve("synth").toString(), "--count", "3", "--size", "16");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(!r.err().contains("\u001b") && !r.err().contains("\r"), "no terminal codes: " + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.contains("synth") && l.contains("3/3")), r.err());
        assertTrue(r.out().startsWith("3 scenes"), r.out());
    }

    @Test
    void convertBothWaysWritesNothingToStderr() throws Exception {
        Path npz = dir.resolve("kem.npz");
        Result to = kemwb("convert", "samples/checkpoints/kem.params", npz.toString());
        assertEquals(0, to.exit(), to.toString());
        assertEquals("", to.err());
        // .npz -> .params loads the weights through the in-place copy
        Result back = kemwb("convert", npz.toString(), dir.resolve("kem.params").toString());
        assertEquals(0, back.exit(), back.toString());
        assertEquals("", back.err());
        assertTrue(Files.size(dir.resolve("kem.params")) > 0);
    }
}
