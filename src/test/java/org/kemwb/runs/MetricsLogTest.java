package org.kemwb.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.util.AtomicFiles;

/** Reading metrics logs while they are written, by this workbench or by other tools. */
class MetricsLogTest {
    @TempDir
    Path dir;

    private Path fieldCase(String name) throws Exception {
        Path p = dir.resolve(name);
        try (var in = MetricsLogTest.class.getResourceAsStream("/field-cases/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void foreignLogWithARepeatedStepsAfterAResumeGivesTheResumedValues() throws Exception {
        MetricsLog log = MetricsLog.read(fieldCase("foreign_metrics_with_resume.csv"));
        Curve loss = log.curve("loss");
        assertEquals(20, loss.size());
        double[] expectedSteps = IntStream.rangeClosed(1, 20).mapToDouble(i -> i * 10).toArray();
        assertArrayEquals(expectedSteps, loss.steps(), "strictly increasing, 10..200");
        assertEquals(0.1, loss.values()[9], 0, "step 100 from the first run (before the resume point)");
        assertEquals(0.066667, loss.values()[11], 0, "step 120: the resumed value, not 0.083333");
        assertEquals(0.053333, loss.values()[14], 0, "step 150: the resumed value");
        assertEquals(0.04, loss.values()[19], 0);
        assertEquals(0, log.rowsSkipped());
    }

    @Test
    void aResumedRunDropsItsOrphanedStepsEvenWhereTheNewRunDoesNotLogThem() throws Exception {
        Path f = dir.resolve("m.csv");
        Files.writeString(f, "step,kind,loss,semseg_miou\n10,train,1,\n20,train,0.9,\n20,eval,,30\n30,train,0.8,\n40,train,0.7,\n40,eval,,35\n"
                + "30,train,0.75,\n50,train,0.6,\n");
        MetricsLog log = MetricsLog.read(f);
        assertArrayEquals(new double[] {10, 20, 30, 50}, log.curve("loss").steps());
        assertEquals(0.75, log.curve("loss").values()[2]);
        assertArrayEquals(new double[] {20}, log.curve("semseg_miou").steps(), "the eval at 40 belonged to the abandoned run");
        assertEquals(Map.of("semseg_miou", 30.0), log.lastValues(c -> c.endsWith("miou")));
    }

    @Test
    void readsOnlyCompleteLinesAndPicksUpAppendedRows() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,kind,lr,loss\n1,train,0.1,5\n2,train,0.1,4");  // row 2 is being written
        MetricsLog log = new MetricsLog(f);
        assertTrue(log.poll());
        assertArrayEquals(new double[] {1}, log.curve("loss").steps());
        assertFalse(log.poll(), "nothing new");
        Files.writeString(f, ".5\n3,train,0.1,3\n", StandardOpenOption.APPEND);
        assertTrue(log.poll());
        assertArrayEquals(new double[] {1, 2, 3}, log.curve("loss").steps());
        assertArrayEquals(new double[] {5, 4.5, 3}, log.curve("loss").values(), "the torn row is read whole once complete");
    }

    @Test
    void survivesTheFileBeingReplacedUnderneath() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,kind,loss\n1,train,5\n2,train,4\n3,train,3\n4,train,2\n");
        MetricsLog log = new MetricsLog(f);
        log.poll();
        assertEquals(4, log.curve("loss").size());
        // a resume cuts the log back to its checkpoint with an atomic rename (a new file)
        AtomicFiles.writeString(f, "step,kind,loss\n1,train,5\n2,train,4\n");
        assertTrue(log.poll());
        assertArrayEquals(new double[] {1, 2}, log.curve("loss").steps());
        // another tool rewrites it in place, same length, other columns
        Files.writeString(f, "step,kind,acc\n1,train,7\n2,train,8\n", StandardCharsets.UTF_8);
        assertTrue(log.poll());
        assertEquals(0, log.curve("loss").size());
        assertArrayEquals(new double[] {7, 8}, log.curve("acc").values());
        Files.delete(f);
        assertTrue(log.poll());
        assertEquals(0, log.curve("acc").size());
        assertFalse(log.poll());
    }

    @Test
    void badRowsAreSkippedWithoutException() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,loss,note\n1,2,\"a, quoted\"\nx,3,\n2,nan,\n3,1\n4,0.5,ok\n5,\"unterminated\n");
        MetricsLog log = MetricsLog.read(f);
        assertArrayEquals(new double[] {1, 4}, log.curve("loss").steps());
        assertTrue(log.rowsSkipped() >= 2, "the non-numeric step and the short row");
    }
}
