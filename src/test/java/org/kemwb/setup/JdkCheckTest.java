package org.kemwb.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With an older JDK on the PATH / in JAVA_HOME, ./mvnw and ./kemwb stop with one line that says
 * KEM Workbench needs JDK 25, which Java was found and how to set JAVA_HOME (instead of the JVM's
 * "Unrecognized option: --sun-misc-unsafe-memory-access=allow").
 */
class JdkCheckTest {
    static final Path REAL_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    @TempDir
    static Path tmp;

    record Result(int exit, String out, String err) {}

    /** A JDK 17 folder: the real one when installed, and a stand-in (release file + scripts). */
    static Stream<Path> oldJdks() throws IOException {
        Path fake = tmp.resolve("fake-jdk-17");
        Files.createDirectories(fake.resolve("bin"));
        Files.writeString(fake.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
        for (String tool : List.of("java", "javac")) {
            Path p = Files.writeString(fake.resolve("bin").resolve(tool),
                    "#!/bin/sh\necho 'Unrecognized option: --sun-misc-unsafe-memory-access=allow' >&2\nexit 1\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Files.isExecutable(REAL_17.resolve("bin/javac")) ? Stream.of(REAL_17, fake) : Stream.of(fake);
    }

    static Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang limit");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static Map<String, String> env(Path jdk) {
        return Map.of("JAVA_HOME", jdk.toString(), "PATH", jdk.resolve("bin") + ":/usr/bin:/bin",
                "KEMWB_JDK_SEARCH", ""); // kemwb: do not look for another JDK
    }

    static void assertOneLineMessage(Result r, Path jdk) {
        assertNotEquals(0, r.exit(), r.toString());
        List<String> lines = new ArrayList<>(r.err().lines().toList());
        assertEquals(1, lines.size(), "one line: " + r.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("KEM Workbench needs JDK 25 or newer"), line);
        assertTrue(line.contains("Java 17") && line.contains(jdk.toString()), "names the Java it found: " + line);
        assertTrue(line.contains("export JAVA_HOME="), "says how to set JAVA_HOME: " + line);
        assertEquals("", r.out());
    }

    @ParameterizedTest
    @MethodSource("oldJdks")
    void mavenWrapperSaysWhichJdkItNeeds(Path jdk) throws Exception {
        assertOneLineMessage(run(env(jdk), "./mvnw", "-B", "-o", "-q", "verify"), jdk);
    }

    @ParameterizedTest
    @MethodSource("oldJdks")
    void launcherSaysWhichJdkItNeeds(Path jdk) throws Exception {
        assertOneLineMessage(run(env(jdk), "./kemwb", "--help"), jdk);
    }

    @Test
    void launcherFindsAJdk25InTheUsualFolders() throws Exception {
        Path old = oldJdks().reduce((a, b) -> b).orElseThrow();
        Path folder = Files.createDirectories(tmp.resolve("jvm"));
        Path jdk25 = Path.of(System.getProperty("java.home")); // the JDK running this test (25+)
        Files.createSymbolicLink(folder.resolve("some-jdk-25"), jdk25);
        Result r = run(Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin") + ":/usr/bin:/bin",
                "KEMWB_JDK_SEARCH", folder + "/*"), "scripts/jdk.sh", "--find");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(folder.resolve("some-jdk-25").toString(), r.out().strip());
        // the check ./mvnw makes accepts the JDK 25 itself
        Result ok = run(Map.of("JAVA_HOME", jdk25.toString(), "PATH", "/usr/bin:/bin"), "scripts/jdk.sh");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals("", ok.err());
    }
}
