package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One trainer per run folder, across threads and processes; a dead trainer's lock is gone. */
@Timeout(120)
class RunLockTest {
    @TempDir
    Path dir;

    private static Process child(Path folder) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RunLockChild.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
    }

    private static String firstLine(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        return line == null ? "" : line;
    }

    @Test
    void aSecondLockOfTheSameFolderInThisProcessFailsNamingTheFolder() throws Exception {
        try (RunLock first = RunLock.acquire(dir)) {
            IOException e = assertThrows(IOException.class, () -> RunLock.acquire(dir));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("in use"), e.getMessage());
            assertTrue(RunLock.isHeld(dir));
            String holder = Files.readString(dir.resolve(RunLock.FILE)).trim();
            assertTrue(holder.endsWith(" " + ProcessHandle.current().pid()), "host pid in run.lock: " + holder);
        }
        assertFalse(RunLock.isHeld(dir), "released on close");
        try (RunLock again = RunLock.acquire(dir)) {
            assertTrue(RunLock.isHeld(dir));
        }
    }

    @Test
    void probingAHeldLockNeverReleasesIt() throws Exception {
        try (RunLock held = RunLock.acquire(dir)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(RunLock.isHeld(dir));
            }
            // another process must still be refused: the probes did not drop our POSIX lock
            Process p = child(dir);
            String line = firstLine(p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), line);
            assertTrue(line.startsWith("refused: run folder " + dir) && line.contains(" " + ProcessHandle.current().pid()), line);
        }
    }

    @Test
    void aLockHeldByAnotherProcessRefusesUsAndDiesWithIt() throws Exception {
        Process p = child(dir);
        try {
            assertEquals("locked", firstLine(p));
            assertTrue(RunLock.isHeld(dir), "seen from here");
            IOException e = assertThrows(IOException.class, () -> RunLock.acquire(dir));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains(Long.toString(p.pid())), e.getMessage());
        } finally {
            p.destroyForcibly(); // like a crashed trainer: no chance to clean up
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertFalse(RunLock.isHeld(dir), "the OS released the dead process's lock");
        try (RunLock mine = RunLock.acquire(dir)) {
            assertTrue(RunLock.isHeld(dir));
        }
    }

    @Test
    void aFolderWithoutLockFileIsNotHeld() {
        assertFalse(RunLock.hasLockFile(dir));
        assertFalse(RunLock.isHeld(dir));
    }

    @Test
    void statusWordsOfOtherToolsMapToRunStates() {
        assertEquals(RunStatus.FINISHED, RunStatus.parse("Completed").orElseThrow());
        assertEquals(RunStatus.RUNNING, RunStatus.parse("running").orElseThrow());
        assertTrue(RunStatus.parse("whatever").isEmpty());
        for (RunStatus s : RunStatus.values()) {
            assertEquals(s, RunStatus.parse(s.id()).orElseThrow());
        }
    }
}
