package org.kemwb.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.train.TrainingRun;

/** metrics.csv as RFC 4180 CSV (Commons CSV): quoting round-trips, torn last lines are never read. */
class CsvTest {
    @TempDir
    Path dir;

    @Test
    void cellsWithCommasQuotesAndNewlinesRoundTrip() throws Exception {
        List<String> cells = List.of("12", "eval", "a,b", "say \"hi\"", "two\nlines", "");
        String line = Csv.line(cells);
        assertEquals("12,eval,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n", line);
        assertEquals(List.of(cells), Csv.completeRecords(line, "x.csv"));
    }

    @Test
    void aTornLastLineIsLeftOutEvenWhenItHasAllItsCells() throws Exception {
        // a run killed while appending "2,train,0.1,1.95\n": the cut keeps 4 cells but the last is "1."
        Files.writeString(dir.resolve("metrics.csv"), "step,kind,lr,loss\n1,train,0.1,2.0\n2,train,0.1,1.");
        List<Map<String, String>> rows = TrainingRun.readMetrics(dir);
        assertEquals(1, rows.size());
        assertEquals("2.0", rows.getFirst().get("loss"));
        assertEquals(List.of(), Csv.completeRecords("no newline yet", "x.csv"));
    }

    @Test
    void anUnclosedQuoteIsRefusedNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("metrics.csv"), "step,kind\n1,\"train\n2,train\n");
        IOException e = assertThrows(IOException.class, () -> TrainingRun.readMetrics(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("metrics.csv") + ": not valid CSV"), e.getMessage());
    }
}
