package org.kemwb.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image without read permission gets a message naming it. Root reads everything, so when the
 * tests run as root the read happens in a child JVM dropped to user "nobody" (setpriv).
 */
class UnreadableFileTest {
    @TempDir
    Path dir;

    static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return uid.equals("0");
    }

    @Test
    void imageWithoutReadPermissionIsNamedAndLeftAlone() throws Exception {
        Path open = dir.resolve("world");
        Files.createDirectories(open);
        Path image = open.resolve("secret.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                image.toFile());
        byte[] before = Files.readAllBytes(image);
        String outcome;
        if (!isRoot()) {
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("---------"));
            try {
                ImageDecoder.read(image);
                outcome = "OK";
            } catch (IOException e) {
                outcome = "ERR " + e.getMessage();
            }
        } else {
            outcome = readAsNobody(image);
        }
        assertTrue(outcome.startsWith("ERR image " + image) && outcome.contains("permission denied"), outcome);
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-r--r--"));
        assertArrayEquals(before, Files.readAllBytes(image), "the file is not touched");
    }

    /** Runs {@link ReadProbe} as nobody on a copy of the reader's classes and the decoding libraries. */
    private String readAsNobody(Path image) throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "running as root without setpriv: cannot drop privileges");
        Path classes = dir.resolve("classes").resolve("org").resolve("kemwb").resolve("io");
        Files.createDirectories(classes);
        try (var listing = Files.list(Path.of("target", "classes", "org", "kemwb", "io"))) {
            for (Path c : listing.toList()) {
                Files.copy(c, classes.resolve(c.getFileName()));
            }
        }
        Files.copy(Path.of("target", "test-classes", "org", "kemwb", "io", "ReadProbe.class"), classes.resolve("ReadProbe.class"));
        // io depends on util (UiThreadGuard, messages): the reader's classes need it too
        Path util = Files.createDirectories(dir.resolve("classes").resolve("org").resolve("kemwb").resolve("util"));
        try (var listing = Files.list(Path.of("target", "classes", "org", "kemwb", "util"))) {
            for (Path c : listing.toList()) {
                Files.copy(c, util.resolve(c.getFileName()));
            }
        }
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            String name = jar.getFileName().toString();
            if (name.endsWith(".jar") && List.of("imageio-", "common-", "metadata-extractor", "xmpcore").stream().anyMatch(name::startsWith)) {
                Files.copy(jar, lib.resolve(name));
            }
        }
        // the sanity run (readable file) proves the child can read what it should
        Path readable = image.resolveSibling("open.png");
        Files.copy(image, readable);
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("---------"));
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (!p.equals(image)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        assumeTrue(Files.getPosixFilePermissions(dir.getParent()).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE),
                "the temp folder's parent is not traversable by nobody");
        assertEquals("OK 8x6", probe(setpriv, readable));
        return probe(setpriv, image);
    }

    private String probe(Path setpriv, Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "-Djava.awt.headless=true", "-cp", dir.resolve("classes") + File.pathSeparator + dir.resolve("lib") + "/*", "org.kemwb.io.ReadProbe", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child finished (hang limit)");
        return out.lines().reduce((a, b) -> b).orElse("");
    }
}
