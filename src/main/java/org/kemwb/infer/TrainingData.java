package org.kemwb.infer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.kemwb.util.Json;

/**
 * What a model was trained on and where an image comes from, so the workbench can say when a
 * model meets inputs unlike its training data (a synthetic-scene model on a photo gives
 * meaningless outputs). A checkpoint records its training data under {@link #KEY} in its
 * metadata; a dataset folder records its source in {@code dataset.json} ({@code {"source": ...}}).
 */
public final class TrainingData {
    /** Checkpoint metadata key. */
    public static final String KEY = "trained_on";
    /** The built-in generator of {@code kemwb data synth} and of training without {@code --data}. */
    public static final String SYNTHETIC = "synthetic scenes";
    /** File in a dataset folder (or an image folder) naming where its images come from. */
    public static final String MARKER = "dataset.json";

    private TrainingData() {}

    /** The training data of a run: synthetic scenes without a data folder, else the folder's recorded source or its name. */
    public static String of(String dataDir) {
        if (dataDir == null || dataDir.isEmpty()) {
            return SYNTHETIC;
        }
        Path dir = Path.of(dataDir);
        return recordedSource(dir).orElse("dataset folder " + (dir.getFileName() == null ? dir : dir.getFileName()));
    }

    /**
     * The training data of a checkpoint: its metadata entry; for checkpoints written before the
     * entry existed, the data folder in the {@code run.json} beside it, else synthetic scenes
     * (the only data older versions trained on without a run folder), marked as assumed.
     */
    public static String ofCheckpoint(Path file, Map<String, String> metadata) {
        String recorded = metadata.get(KEY);
        if (recorded != null && !recorded.isBlank()) {
            return recorded;
        }
        Path runJson = file.toAbsolutePath().getParent() == null ? null : file.toAbsolutePath().getParent().resolve("run.json");
        if (runJson != null && Files.isRegularFile(runJson)) {
            try {
                JsonNode data = Json.MAPPER.readTree(runJson.toFile()).path("config").path("dataDir");
                return of(data.isTextual() ? data.asText() : "");
            } catch (IOException e) {
                // unreadable run.json: fall through to the assumption
            }
        }
        return SYNTHETIC + " (assumed: the checkpoint does not record its training data)";
    }

    /** The source recorded in {@code dataset.json} of the image's folder or one of its three parents. */
    public static Optional<String> sourceOfImage(Path image) {
        Path dir = image.toAbsolutePath().getParent();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Optional<String> s = recordedSource(dir);
            if (s.isPresent()) {
                return s;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> recordedSource(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        try {
            JsonNode source = Json.MAPPER.readTree(marker.toFile()).path("source");
            return source.isTextual() && !source.asText().isBlank() ? Optional.of(source.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The JSON of a folder's {@link #MARKER}. */
    public static String markerJson(String source) {
        return "{\"source\": \"" + source.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
    }

    /**
     * A one-line warning when the image's source differs from the model's training data, else
     * null. An image of unknown source counts as different: the screen must say why a model
     * trained on synthetic scenes produces noise on a photo.
     */
    public static String mismatch(String trainedOn, Optional<String> imageSource) {
        if (trainedOn == null) {
            return null;
        }
        String model = trainedOn.replace(" (assumed: the checkpoint does not record its training data)", "");
        if (imageSource.isPresent() && imageSource.get().equals(model)) {
            return null;
        }
        String from = imageSource.map(s -> "comes from " + s).orElse("is of unknown source (no " + MARKER + " beside it)");
        String advice = model.equals(SYNTHETIC) ? " Its outputs on photos or other images are not meaningful." : " Its outputs may not be meaningful.";
        return "This model was trained on " + trainedOn + "; this image " + from + "." + advice;
    }
}
