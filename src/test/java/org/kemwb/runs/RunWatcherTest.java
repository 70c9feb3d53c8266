package org.kemwb.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.train.RunLock;
import org.kemwb.train.RunStatus;
import org.kemwb.util.AtomicFiles;

/** Finding runs anywhere under a folder and telling running, stalled and interrupted apart. */
class RunWatcherTest {
    @TempDir
    Path root;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static void runJson(Path dir, String status, int step) throws Exception {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("run.json"), "{\"config\":{\"seed\":1,\"steps\":100,\"model\":{\"interaction\":\"kem\"}},"
                + "\"status\":\"" + status + "\",\"step\":" + step + "}");
    }

    @Test
    void runsAppearUpdateAndTellStalledAndInterruptedFromRunning() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        RunWatcher watcher = new RunWatcher(clock, Duration.ofMinutes(5));
        watcher.addFolder(root);
        assertEquals(List.of(), watcher.poll());

        Path live = root.resolve("cluster").resolve("exp1"); // two levels down, as on a cluster's file system
        runJson(live, "running", 0);
        Files.writeString(live.resolve("metrics.csv"), "step,loss\n1,3\n");
        var infos = watcher.poll();
        assertEquals(1, infos.size());
        var info = infos.getFirst();
        assertEquals("cluster/exp1", info.name());
        assertEquals(RunStatus.RUNNING, info.status(), "another tool's run without a lock file: running while rows come");
        assertEquals(1, info.metrics().curve("loss").size());
        long version = info.version();

        clock.now = clock.now.plus(Duration.ofMinutes(4));
        Files.writeString(live.resolve("metrics.csv"), "2,2\n", StandardOpenOption.APPEND);
        info = watcher.poll().getFirst();
        assertEquals(2, info.metrics().curve("loss").size());
        assertNotEquals(version, info.version());
        assertEquals("2", info.step(), "metrics ahead of run.json");
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertEquals(RunStatus.RUNNING, watcher.poll().getFirst().status(), "4 min since the last row");
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertEquals(RunStatus.STALLED, watcher.poll().getFirst().status(), "6 min without a row");
        Files.writeString(live.resolve("metrics.csv"), "3,1\n", StandardOpenOption.APPEND);
        assertEquals(RunStatus.RUNNING, watcher.poll().getFirst().status(), "rows again");

        runJson(live, "finished", 3);
        assertEquals(RunStatus.FINISHED, watcher.poll().getFirst().status());
    }

    @Test
    void runningWithALockFileNobodyHoldsIsInterrupted() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        RunWatcher watcher = new RunWatcher(clock, Duration.ofMinutes(5));
        Path run = root.resolve("native");
        runJson(run, "running", 40);
        watcher.addFolder(root);
        try (RunLock lock = RunLock.acquire(run)) {
            assertEquals(RunStatus.RUNNING, watcher.poll().getFirst().status(), "a trainer holds it");
            assertTrue(RunLock.isHeld(run), "polling did not release it");
        }
        var info = watcher.poll().getFirst();
        assertEquals(RunStatus.INTERRUPTED, info.status(), "crashed: run.json still says running");
        assertEquals("interrupted", info.statusText());
    }

    @Test
    void aBrokenRunJsonIsAReadableRowAndAGoodReadIsKeptWhileAToolRewritesIt() throws Exception {
        RunWatcher watcher = new RunWatcher(Clock.systemUTC(), Duration.ofMinutes(5));
        Path run = root.resolve("r");
        Files.createDirectories(run);
        Files.writeString(run.resolve("run.json"), "{\"status\": \"runn");
        watcher.addFolder(root);
        assertTrue(watcher.poll().getFirst().statusText().startsWith("unreadable: run.json is not valid JSON"));
        runJson(run, "running", 1);
        assertEquals(RunStatus.RUNNING, watcher.poll().getFirst().status());
        Files.writeString(run.resolve("run.json"), "{\"status\": \"fini"); // half-written by a non-atomic writer
        assertEquals(RunStatus.RUNNING, watcher.poll().getFirst().status(), "the last good read stands");
    }

    @Test
    void runsThatDifferOnlyBySeedGroupTogether() throws Exception {
        RunWatcher watcher = new RunWatcher(Clock.systemUTC(), Duration.ofMinutes(5));
        for (int s = 0; s < 2; s++) {
            Path run = root.resolve("seed" + s);
            Files.createDirectories(run);
            AtomicFiles.writeString(run.resolve("run.json"), "{\"config\":{\"seed\":" + s + ",\"dataSeed\":" + (s + 7)
                    + ",\"steps\":100},\"status\":\"finished\"}");
        }
        watcher.addFolder(root);
        var infos = watcher.poll();
        assertEquals(infos.get(0).configWithoutSeed(), infos.get(1).configWithoutSeed());
        assertTrue(infos.get(0).configWithoutSeed().contains("\"steps\":100"));
    }
}
