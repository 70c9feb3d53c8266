package org.kemwb.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.data.SortOfClevr.Distribution;
import org.kemwb.model.InteractionKind;
import org.kemwb.util.AtomicFiles;

/**
 * The files of an imbalance experiment folder: {@code summary.csv} (one row per module and
 * training distribution) and {@code points.csv} (every evaluation). Written by the CLI and the
 * GUI, read back by the GUI; a bad file is refused with its name and line.
 */
public record ImbalanceResults(List<ImbalanceExperiment.Cell> cells, int seeds, List<ImbalanceExperiment.Point> points) {
    public static final String SUMMARY = "summary.csv";
    public static final String POINTS = "points.csv";

    public void write(Path folder) throws IOException {
        StringBuilder summary = new StringBuilder(ImbalanceExperiment.Cell.CSV_HEADER).append('\n');
        cells.forEach(c -> summary.append(c.csv(seeds)).append('\n'));
        StringBuilder all = new StringBuilder(ImbalanceExperiment.Point.CSV_HEADER).append('\n');
        points.forEach(p -> all.append(p.csv()).append('\n'));
        AtomicFiles.writeString(folder.resolve(POINTS), all.toString());
        AtomicFiles.writeString(folder.resolve(SUMMARY), summary.toString());
    }

    public static ImbalanceResults read(Path folder) throws IOException {
        Path summaryFile = folder.resolve(SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new NoSuchFileException(summaryFile.toString(), null, "no imbalance results here (summary.csv is missing)");
        }
        List<ImbalanceExperiment.Cell> cells = new ArrayList<>();
        int seeds = 0;
        try {
            for (String[] f : rows(summaryFile, ImbalanceExperiment.Cell.CSV_HEADER, 11)) {
                seeds = Integer.parseInt(f[2]);
                cells.add(new ImbalanceExperiment.Cell(InteractionKind.parse(f[0]), distribution(f[1]),
                        stat(f[3], f[4]), stat(f[5], f[6]), stat(f[7], f[8]), stat(f[9], f[10])));
            }
        } catch (RuntimeException e) {
            throw new IOException(summaryFile + ": " + e.getMessage(), e);
        }
        List<ImbalanceExperiment.Point> points = new ArrayList<>();
        Path pointsFile = folder.resolve(POINTS);
        if (Files.isRegularFile(pointsFile)) {
            try {
                for (String[] f : rows(pointsFile, ImbalanceExperiment.Point.CSV_HEADER, 9)) {
                    points.add(new ImbalanceExperiment.Point(InteractionKind.parse(f[0]), distribution(f[1]),
                            Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]),
                            Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                            Double.parseDouble(f[8])));
                }
            } catch (RuntimeException e) {
                throw new IOException(pointsFile + ": " + e.getMessage(), e);
            }
        }
        return new ImbalanceResults(List.copyOf(cells), seeds, List.copyOf(points));
    }

    private static List<String[]> rows(Path file, String header, int columns) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().equals(header)) {
            throw new IOException(file + ": not an imbalance result file (expected the header " + header + ")");
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",", -1);
            if (f.length != columns) {
                throw new IOException(file + " line " + (i + 1) + ": expected " + columns + " values, found " + f.length);
            }
            try {
                Double.parseDouble(f[columns - 1]);
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + ": not a number: " + f[columns - 1]);
            }
            out.add(f);
        }
        return out;
    }

    private static Distribution distribution(String id) {
        for (Distribution d : Distribution.values()) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown training distribution '" + id + "' (balanced or long-tailed)");
    }

    private static Stat stat(String mean, String std) {
        return new Stat(Double.parseDouble(mean), Double.parseDouble(std));
    }
}
