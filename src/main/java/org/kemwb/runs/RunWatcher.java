package org.kemwb.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.kemwb.train.RunLock;
import org.kemwb.train.RunStatus;
import org.kemwb.util.Json;

/**
 * Watches run folders wherever they are written (the workbench's runs folder, a cluster's file
 * system mounted locally): each {@link #poll()} finds the runs (a folder with {@code run.json},
 * the watched folder itself or up to two levels below it), re-reads a {@code run.json} that
 * changed, reads what was appended to each {@code metrics.csv} (see {@link MetricsLog}), and
 * says what state each run is in, including what run.json cannot say:
 * {@link RunStatus#INTERRUPTED} (run.json says running, the folder has a {@code run.lock} and no
 * trainer holds it) and {@link RunStatus#STALLED} (says running, but neither file changed for
 * {@code stallAfter}).
 *
 * <p>Not thread-safe: poll from one thread (a background job). Time comes from the given clock.
 */
public final class RunWatcher {
    /** What a poll knows of one run. {@code version} changes whenever its run.json or metrics change. */
    public record RunInfo(Path dir, String name, JsonNode config, RunStatus status, String statusText, String step,
            String error, MetricsLog metrics, long version) {
        /** run.json's config with the seeds removed: runs with equal keys differ only by seed. */
        public String configWithoutSeed() {
            if (config.isMissingNode() || !config.isObject()) {
                return "";
            }
            var copy = config.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("seed", "dataSeed", "device"));
            if (copy.get("model") instanceof com.fasterxml.jackson.databind.node.ObjectNode model) {
                model.remove("seed");
            }
            return copy.toString();
        }
    }

    private final Clock clock;
    private final Duration stallAfter;
    private final LinkedHashSet<Path> folders = new LinkedHashSet<>();
    private final Map<Path, Watched> runs = new LinkedHashMap<>();

    public RunWatcher(Clock clock, Duration stallAfter) {
        this.clock = clock;
        this.stallAfter = stallAfter;
    }

    /** Adds a folder to watch (absolute; idempotent). Returns true if it was new. */
    public boolean addFolder(Path folder) {
        return folders.add(folder.toAbsolutePath().normalize());
    }

    public boolean removeFolder(Path folder) {
        return folders.remove(folder.toAbsolutePath().normalize());
    }

    public List<Path> folders() {
        return List.copyOf(folders);
    }

    /** One pass over every watched folder; the runs found, in folder order then by name. */
    public List<RunInfo> poll() {
        List<Path> found = new ArrayList<>();
        Map<Path, String> names = new LinkedHashMap<>();
        for (Path folder : folders) {
            for (Path dir : find(folder)) {
                if (!names.containsKey(dir)) {
                    found.add(dir);
                    String rel = folder.equals(dir) ? dir.getFileName().toString() : folder.relativize(dir).toString();
                    names.put(dir, rel.replace('\\', '/'));
                }
            }
        }
        runs.keySet().retainAll(found);
        List<RunInfo> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Path dir : found) {
            Watched w = runs.computeIfAbsent(dir, d -> new Watched(d, now));
            w.poll(now);
            out.add(w.info(names.get(dir), now));
        }
        return out;
    }

    private static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(org.kemwb.train.TrainingRun.RUN_JSON));
    }

    /** Run folders in {@code folder}: itself, its children, its grandchildren (sorted by name). */
    private static List<Path> find(Path folder) {
        List<Path> out = new ArrayList<>();
        if (isRun(folder)) {
            out.add(folder);
            return out;
        }
        for (Path child : list(folder)) {
            if (isRun(child)) {
                out.add(child);
            } else {
                for (Path grandchild : list(child)) {
                    if (isRun(grandchild)) {
                        out.add(grandchild);
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // unreadable or vanished while listing: nothing there this time
        }
    }

    /** Per-run state between polls. */
    private final class Watched {
        final Path dir;
        final MetricsLog metrics;
        JsonNode json;
        String jsonError;
        Object jsonKey;
        Instant lastActivity;
        long version;

        Watched(Path dir, Instant now) {
            this.dir = dir;
            this.metrics = new MetricsLog(dir.resolve(org.kemwb.train.TrainingRun.METRICS));
            // first sight: the files' own times say how long ago they last changed
            Instant latest = Instant.EPOCH;
            for (String f : List.of(org.kemwb.train.TrainingRun.RUN_JSON, org.kemwb.train.TrainingRun.METRICS)) {
                try {
                    Instant t = Files.getLastModifiedTime(dir.resolve(f)).toInstant();
                    latest = t.isAfter(latest) ? t : latest;
                } catch (IOException e) {
                    // absent
                }
            }
            this.lastActivity = latest.isAfter(now) ? now : latest;
        }

        void poll(Instant now) {
            boolean changed = false;
            Path file = dir.resolve(org.kemwb.train.TrainingRun.RUN_JSON);
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                Object key = List.of(Objects.requireNonNullElse(a.fileKey(), ""), a.size(), a.lastModifiedTime());
                if (!key.equals(jsonKey)) {
                    try {
                        JsonNode read = Json.MAPPER.readTree(Files.readAllBytes(file));
                        if (read != null && read.isObject()) {
                            json = read;
                            jsonError = null;
                            jsonKey = key;
                            changed = true;
                        } else if (json == null) {
                            jsonError = "run.json is not a JSON object";
                        }
                    } catch (IOException e) {
                        // being written by a tool that does not replace it atomically: keep the last good read
                        if (json == null) {
                            jsonError = "run.json is not valid JSON: " + Json.firstLine(e.getMessage());
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                // replaced underneath between listing and reading: next poll
            } catch (IOException e) {
                if (json == null) {
                    jsonError = "run.json unreadable: " + e.getMessage();
                }
            }
            changed |= metrics.poll();
            if (changed) {
                version++;
                lastActivity = now;
            }
        }

        RunInfo info(String name, Instant now) {
            JsonNode j = json == null ? MissingNode.getInstance() : json;
            String written = j.path("status").asText("");
            RunStatus status = RunStatus.parse(written).orElse(null);
            if (status == RunStatus.RUNNING) {
                if (RunLock.hasLockFile(dir) && !RunLock.isHeld(dir)) {
                    status = RunStatus.INTERRUPTED;
                } else if (Duration.between(lastActivity, now).compareTo(stallAfter) > 0) {
                    status = RunStatus.STALLED;
                }
            }
            String text = status != null ? status.id() : jsonError != null ? "unreadable: " + jsonError
                    : written.isEmpty() ? "?" : written;
            double last = metrics.lastStep();
            String step = j.has("step") ? j.get("step").asText() : Double.isNaN(last) ? "" : Long.toString((long) last);
            if (!Double.isNaN(last) && last > j.path("step").asDouble(-1)) {
                step = Long.toString((long) last); // metrics run ahead of run.json (written at evals only)
            }
            return new RunInfo(dir, name, j.path("config"), status, text, step, j.path("error").asText(""), metrics, version);
        }
    }
}
