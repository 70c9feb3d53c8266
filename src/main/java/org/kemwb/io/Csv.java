package org.kemwb.io;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The run folders' CSV files ({@code metrics.csv}), written and read with Apache Commons CSV
 * (RFC 4180: cells with commas, quotes or newlines are quoted), one record per line, {@code \n}
 * line ends. Files are appended a line at a time, so a crash can leave a torn last line: readers
 * here take complete lines only (up to the last newline).
 */
public final class Csv {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private Csv() {}

    /** One record as a complete line (ends with {@code \n}), cells quoted where RFC 4180 needs it. */
    public static String line(Collection<String> cells) {
        return FORMAT.format(cells.toArray()) + "\n";
    }

    /**
     * The records of the complete lines of {@code text} (everything up to its last newline; a torn
     * last line without one is left out), empty lines skipped.
     *
     * @param source named in the error (a file)
     * @throws IOException naming {@code source} when the text is not CSV (e.g. an unclosed quote)
     */
    public static List<List<String>> completeRecords(String text, String source) throws IOException {
        int end = text.lastIndexOf('\n');
        List<List<String>> out = new ArrayList<>();
        if (end < 0) {
            return out;
        }
        CSVFormat format = FORMAT.builder().setIgnoreEmptyLines(true).get();
        try (CSVParser p = CSVParser.parse(new StringReader(text.substring(0, end + 1)), format)) {
            for (CSVRecord r : p) {
                out.add(r.toList());
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(source + ": not valid CSV (" + cause.getMessage() + ")", e);
        }
        return out;
    }
}
