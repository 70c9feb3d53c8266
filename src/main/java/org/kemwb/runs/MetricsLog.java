package org.kemwb.runs;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A metrics log ({@code metrics.csv}: a header row, then one row per logged step, a {@code step}
 * column and optionally a {@code kind} column) read while its writer appends to it, by the
 * workbench or by any other tool.
 *
 * <p>{@link #poll()} reads only what was appended since the last call and only complete lines
 * (a row being written is read on a later poll). A file replaced underneath (atomic rename: a
 * new file; rewritten in place: shorter, or another header) is read again from the start.
 * Rows that do not fit the header (torn, or a wrong number of cells) and steps that are not
 * numbers are skipped; nothing throws.
 *
 * <p>Repeated steps follow TensorBoard's rule for a resumed run: when a row's step is below the
 * last step of its kind, the log restarted there, and every value at that step and later is
 * dropped before the row is taken; at an equal step the later value wins. So every curve has
 * strictly increasing steps and, after a resume, the resumed values.
 */
public final class MetricsLog {
    private final Path file;
    private Object fileKey;
    private long offset;
    private String headerLine;
    private String[] header;
    private int stepColumn = -1;
    private int kindColumn = -1;
    /** Values by step (rows of one step merged; later non-empty cells win). */
    /** Per step, one value per header column (NaN: no number there). */
    private final TreeMap<Double, double[]> byStep = new TreeMap<>();
    /** Cells that are not numbers (e.g. a "convention" column), by step; same rules as the numbers. */
    private final TreeMap<Double, Map<String, String>> textByStep = new TreeMap<>();
    private final Map<String, Double> lastStepOfKind = new HashMap<>();
    private long rowsRead;
    private long skipped;

    public MetricsLog(Path file) {
        this.file = file;
    }

    /** Reads a whole log once. */
    public static MetricsLog read(Path file) {
        MetricsLog log = new MetricsLog(file);
        log.poll();
        return log;
    }

    public Path file() {
        return file;
    }

    /**
     * Reads what was appended since the last call (everything, if the file was replaced).
     * A missing or unreadable file reads as empty.
     *
     * @return true if the curves changed
     */
    public synchronized boolean poll() {
        try {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                boolean had = header != null;
                reset();
                return had;
            }
            boolean replaced = false;
            Object key = attrs.fileKey();
            if (header != null && (attrs.size() < offset || (key != null && !key.equals(fileKey)) || !sameHeader())) {
                replaced = true;
                reset();
            }
            fileKey = key;
            if (attrs.size() == offset) {
                return replaced;
            }
            String chunk = readCompleteLines(attrs.size());
            if (chunk.isEmpty()) {
                return replaced;
            }
            return parse(chunk) || replaced;
        } catch (IOException e) {
            return false; // unreadable now (e.g. a network file system hiccup): try again next poll
        }
    }

    private void reset() {
        fileKey = null;
        offset = 0;
        headerLine = null;
        header = null;
        stepColumn = -1;
        kindColumn = -1;
        byStep.clear();
        textByStep.clear();
        lastStepOfKind.clear();
        rowsRead = 0;
        skipped = 0;
    }

    /** True if the file still starts with the header read before (a rewrite in place may change it). */
    private boolean sameHeader() throws IOException {
        byte[] expected = (headerLine + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(expected.length);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill
            }
            return Arrays.equals(buf.array(), expected);
        }
    }

    /** Bytes from the offset up to and including the last newline; advances the offset past it. */
    private String readCompleteLines(long size) throws IOException {
        long length = size - offset;
        if (length > Integer.MAX_VALUE - 16) {
            length = Integer.MAX_VALUE - 16;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(offset);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read what is there now
            }
        }
        byte[] bytes = buf.array();
        int end = buf.position();
        int lastNewline = -1;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline < 0) {
            return "";
        }
        offset += lastNewline + 1;
        return new String(bytes, 0, lastNewline + 1, StandardCharsets.UTF_8);
    }

    private boolean parse(String chunk) throws IOException {
        String text = chunk;
        if (header == null) {
            int nl = text.indexOf('\n');
            String first = text.substring(0, nl);
            headerLine = first;
            String line = first.endsWith("\r") ? first.substring(0, first.length() - 1) : first;
            try (CSVParser p = CSVParser.parse(new StringReader(line), CSVFormat.DEFAULT)) {
                List<CSVRecord> records = p.getRecords();
                header = records.isEmpty() ? new String[0] : records.getFirst().values();
            }
            for (int i = 0; i < header.length; i++) {
                header[i] = header[i].trim();
                if (header[i].equalsIgnoreCase("step") || header[i].equalsIgnoreCase("global_step")) {
                    stepColumn = stepColumn < 0 ? i : stepColumn;
                } else if (header[i].equalsIgnoreCase("kind")) {
                    kindColumn = i;
                }
            }
            text = text.substring(nl + 1);
        }
        boolean changed = false;
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get();
        try (CSVParser p = CSVParser.parse(new StringReader(text), format)) {
            for (CSVRecord r : p) {
                changed |= take(r);
            }
        } catch (RuntimeException e) {
            skipped++; // malformed quoting: the rest of this chunk is unreadable
        }
        return changed;
    }

    private boolean take(CSVRecord r) {
        if (stepColumn < 0 || r.size() != header.length) {
            skipped++;
            return false;
        }
        double step;
        try {
            step = Double.parseDouble(r.get(stepColumn));
        } catch (NumberFormatException e) {
            skipped++;
            return false;
        }
        if (!Double.isFinite(step)) {
            skipped++;
            return false;
        }
        String kind = kindColumn >= 0 ? r.get(kindColumn) : "";
        Double last = lastStepOfKind.get(kind);
        if (last != null && step < last) {
            // the writer restarted at this step (a resume): its older values from here on are superseded
            byStep.tailMap(step, true).clear();
            textByStep.tailMap(step, true).clear();
            lastStepOfKind.replaceAll((k, v) -> Math.min(v, step));
        }
        lastStepOfKind.put(kind, step);
        double[] values = byStep.computeIfAbsent(step, k -> {
            double[] v = new double[header.length];
            Arrays.fill(v, Double.NaN);
            return v;
        });
        for (int i = 0; i < header.length; i++) {
            if (i == stepColumn || i == kindColumn) {
                continue;
            }
            String cell = r.get(i);
            if (cell.isEmpty()) {
                continue;
            }
            try {
                values[i] = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                // text cell (a note, a convention): not a curve
                textByStep.computeIfAbsent(step, k -> new HashMap<>()).put(header[i], cell);
            }
        }
        rowsRead++;
        return true;
    }

    /** Column names of the header, as written (empty before the header is complete). */
    public synchronized List<String> columns() {
        return header == null ? List.of() : List.of(header);
    }

    /** Rows taken so far (after a replacement: since then). */
    public synchronized long rowsRead() {
        return rowsRead;
    }

    /** Rows skipped so far (torn, wrong number of cells, no numeric step). */
    public synchronized long rowsSkipped() {
        return skipped;
    }

    /** The last step logged, or NaN when empty. */
    public synchronized double lastStep() {
        return byStep.isEmpty() ? Double.NaN : byStep.lastKey();
    }

    private int index(String column) {
        if (header != null) {
            for (int i = 0; i < header.length; i++) {
                if (header[i].equals(column) && i != stepColumn && i != kindColumn) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** One column over steps: strictly increasing steps, finite values only. */
    public synchronized Curve curve(String column) {
        int c = index(column);
        if (c < 0) {
            return Curve.EMPTY;
        }
        double[] steps = new double[byStep.size()];
        double[] values = new double[byStep.size()];
        int n = 0;
        for (var e : byStep.entrySet()) {
            double v = e.getValue()[c];
            if (Double.isFinite(v)) {
                steps[n] = e.getKey();
                values[n] = v;
                n++;
            }
        }
        return new Curve(Arrays.copyOf(steps, n), Arrays.copyOf(values, n));
    }

    /** The columns with at least one number, in header order. */
    public synchronized List<String> numericColumns() {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        boolean[] seen = new boolean[header.length];
        for (double[] v : byStep.values()) {
            for (int i = 0; i < v.length; i++) {
                seen[i] |= !Double.isNaN(v[i]);
            }
        }
        for (int i = 0; i < header.length; i++) {
            if (seen[i] && i != stepColumn && i != kindColumn) {
                out.add(header[i]);
            }
        }
        return out;
    }

    /** The values of the chosen columns at the last step that has any of them (e.g. the last evaluation); empty if none. */
    public synchronized Map<String, Double> lastValues(Predicate<String> columns) {
        double step = lastStepWith(columns);
        Map<String, Double> out = new LinkedHashMap<>();
        if (!Double.isNaN(step)) {
            double[] v = byStep.get(step);
            for (int i = 0; i < header.length; i++) {
                if (!Double.isNaN(v[i]) && i != stepColumn && i != kindColumn && columns.test(header[i])) {
                    out.put(header[i], v[i]);
                }
            }
        }
        return out;
    }

    /** The last step with a value in any of the chosen columns, or NaN. */
    public synchronized double lastStepWith(Predicate<String> columns) {
        if (header == null) {
            return Double.NaN;
        }
        boolean[] wanted = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            wanted[i] = i != stepColumn && i != kindColumn && columns.test(header[i]);
        }
        for (var e : byStep.descendingMap().entrySet()) {
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                if (wanted[i] && !Double.isNaN(v[i])) {
                    return e.getKey();
                }
            }
        }
        return Double.NaN;
    }

    /** A text (non-numeric) cell at a step, or "" (e.g. the "convention" of an eval row). */
    public synchronized String textAt(double step, String column) {
        Map<String, String> t = textByStep.get(step);
        return t == null ? "" : t.getOrDefault(column, "");
    }

    @Override
    public String toString() {
        return "MetricsLog[" + file + ", " + rowsRead + " rows, " + Objects.requireNonNullElse(header, new String[0]).length + " columns]";
    }
}
