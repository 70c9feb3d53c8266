package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Picture;
import org.kemwb.infer.ModelHandle;
import org.kemwb.infer.Prediction;
import org.kemwb.model.Devices;

/**
 * Observable state shared by the pages: the open image, the primary model and a comparison
 * model (for attention side by side), their predictions, the device and the last error. Models
 * are created, used and closed on the engine thread only.
 */
public final class WorkbenchState implements AutoCloseable {
    /** Which of the two model slots. */
    public enum Slot { PRIMARY, COMPARISON }

    private final JobCenter jobs = new JobCenter();
    private final ObjectProperty<BufferedImage> image = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> imagePath = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> primaryPath = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> comparisonPath = new SimpleObjectProperty<>();
    private final StringProperty primaryTrainedOn = new SimpleStringProperty();
    private final StringProperty comparisonTrainedOn = new SimpleStringProperty();
    private final ObjectProperty<Prediction> primary = new SimpleObjectProperty<>();
    private final ObjectProperty<Prediction> comparison = new SimpleObjectProperty<>();
    private final StringProperty device = new SimpleStringProperty("auto");
    private final StringProperty deviceName = new SimpleStringProperty("…");
    private final StringProperty error = new SimpleStringProperty();
    private final ObjectProperty<org.kemwb.data.Sample> groundTruth = new SimpleObjectProperty<>();
    private final javafx.collections.ObservableList<Path> openedImages = javafx.collections.FXCollections.observableArrayList();
    private final javafx.collections.ObservableList<Message> messages = javafx.collections.FXCollections.observableArrayList();
    private ModelHandle primaryModel;
    /** The open image as decoded (full precision); {@link #image} is its 8-bit display copy. */
    private volatile Picture picture;
    private ModelHandle comparisonModel;

    /** One entry of the message log: when, and the one-line message. */
    public record Message(java.time.LocalTime time, String text) {
        @Override
        public String toString() {
            return time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "  " + text;
        }
    }

    /** Jobs submitted before the error shown was reported: a success of a later user job makes it stale. */
    private long errorAfterJob;

    public WorkbenchState() {
        // every error any page reports stays in the log, however fast the next one replaces it
        error.addListener((o, a, b) -> {
            if (b != null) {
                messages.add(new Message(java.time.LocalTime.now(), b));
                errorAfterJob = jobs.submittedCount();
            }
        });
        // an error leaves the status bar once a user job started after it succeeds (it stays in the log)
        jobs.lastSucceededProperty().addListener((o, a, b) -> {
            if (error.get() != null && b.longValue() > errorAfterJob) {
                error.set(null);
            }
        });
    }

    /** Every error of this session, oldest first (FX thread). */
    public javafx.collections.ObservableList<Message> messages() {
        return messages;
    }

    /** Reports an error: shown in the status bar and kept in the message log, even when it repeats the last one. */
    public void report(String message) {
        error.set(null);
        error.set(message);
    }

    public JobCenter jobs() {
        return jobs;
    }

    public ObjectProperty<BufferedImage> imageProperty() {
        return image;
    }

    public ObjectProperty<Path> imagePathProperty() {
        return imagePath;
    }

    public ObjectProperty<Path> modelPathProperty(Slot slot) {
        return slot == Slot.PRIMARY ? primaryPath : comparisonPath;
    }

    /** What the model in a slot was trained on (checkpoint metadata; see {@code infer.TrainingData}). */
    public StringProperty trainedOnProperty(Slot slot) {
        return slot == Slot.PRIMARY ? primaryTrainedOn : comparisonTrainedOn;
    }

    public ObjectProperty<Prediction> predictionProperty(Slot slot) {
        return slot == Slot.PRIMARY ? primary : comparison;
    }

    /** Labels of the open image when it belongs to a dataset folder (at the primary model's size), else null. */
    public ObjectProperty<org.kemwb.data.Sample> groundTruthProperty() {
        return groundTruth;
    }

    /** Every image opened in this session, newest last (Inspect's image strip). */
    public javafx.collections.ObservableList<Path> openedImages() {
        return openedImages;
    }

    public StringProperty deviceProperty() {
        return device;
    }

    public StringProperty deviceNameProperty() {
        return deviceName;
    }

    /** Last user-facing error (one line, names the file); the UI shows it, never a stack trace. */
    public StringProperty errorProperty() {
        return error;
    }

    /** Opens an image (read in the background) and re-runs the open models on it. */
    public Task<BufferedImage> openImage(Path file) {
        Picture[] decoded = new Picture[1];
        Task<BufferedImage> task = new Task<>() {
            @Override
            protected BufferedImage call() throws Exception {
                updateMessage("Reading " + file.getFileName());
                decoded[0] = ImageDecoder.read(file);
                return decoded[0].toBufferedImage();
            }
        };
        task.setOnSucceeded(e -> {
            picture = decoded[0];
            // the predictions and labels belong to the previous image: nobody may show them over this one
            imagePath.set(file);
            primary.set(null);
            comparison.set(null);
            groundTruth.set(null);
            image.set(task.getValue());
            if (!openedImages.contains(file)) {
                openedImages.add(file);
            }
            error.set(null);
            rerun();
        });
        task.setOnFailed(e -> report(message(task.getException())));
        return jobs.onEngine(task);
    }

    /** Loads a checkpoint into a slot (closing the model it replaces) and runs it on the image. */
    public Task<Void> openCheckpoint(Path file, Slot slot) {
        String[] trainedOn = new String[1];
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Loading " + file.getFileName());
                ModelHandle loaded = ModelHandle.open(file, Devices.resolve(device.get()));
                trainedOn[0] = loaded.trainedOn();
                ModelHandle old = slot == Slot.PRIMARY ? primaryModel : comparisonModel;
                if (slot == Slot.PRIMARY) {
                    primaryModel = loaded;
                } else {
                    comparisonModel = loaded;
                }
                if (old != null) {
                    old.close();
                }
                String name = Devices.describe(loaded.device());
                javafx.application.Platform.runLater(() -> deviceName.set(name));
                return null;
            }
        };
        task.setOnSucceeded(e -> {
            predictionProperty(slot).set(null); // the old model's outputs: never shown under the new model's name
            trainedOnProperty(slot).set(trainedOn[0]);
            modelPathProperty(slot).set(file);
            error.set(null);
            rerun();
        });
        task.setOnFailed(e -> report(message(task.getException())));
        return jobs.onEngine(task);
    }

    /** Runs both models on the current image (on the engine thread) and publishes predictions. */
    public void rerun() {
        BufferedImage img = image.get();
        if (img == null) {
            return;
        }
        Path path = imagePath.get();
        Picture decoded = picture;
        org.kemwb.data.Sample[] labels = new org.kemwb.data.Sample[1];
        Task<Prediction[]> task = new Task<>() {
            @Override
            protected Prediction[] call() {
                updateMessage("Inference");
                // labels at the image's own size, where predictions now come back (label samples are square)
                if (primaryModel != null && path != null && img.getWidth() == img.getHeight()) {
                    var cfg = primaryModel.config();
                    try {
                        labels[0] = org.kemwb.data.FolderDataset.labelsOf(path, java.util.EnumSet.copyOf(cfg.tasks()),
                                cfg.semsegClasses(), cfg.partsClasses(), img.getWidth()).orElse(null);
                    } catch (java.io.IOException ex) {
                        labels[0] = null; // unlabelled or unreadable labels: show predictions only
                    }
                }
                updateProgress(-1, 1);
                Prediction[] out = new Prediction[2];
                ModelHandle[] models = {primaryModel, comparisonModel};
                for (int i = 0; i < 2; i++) {
                    if (models[i] != null) {
                        Picture input = decoded != null ? decoded : ImageDecoder.fromBufferedImage(img);
                        // letterboxed into the model's size, outputs back at the image's own size
                        out[i] = models[i].predict(input.rgb(), input.height(), input.width(),
                                org.kemwb.infer.InputSize.MODEL, true);
                    }
                }
                updateMessage("Ready");
                updateProgress(1, 1);
                return out;
            }
        };
        task.setOnSucceeded(e -> {
            groundTruth.set(labels[0]);
            primary.set(task.getValue()[0]);
            comparison.set(task.getValue()[1]);
        });
        task.setOnFailed(e -> report(message(task.getException())));
        jobs.onEngine(task);
    }

    /** Runs both models on an edited copy of the image (what-if probing); results via the callback. */
    public void probe(BufferedImage edited, java.util.function.Consumer<Prediction[]> done) {
        Task<Prediction[]> task = new Task<>() {
            @Override
            protected Prediction[] call() {
                updateMessage("What-if inference");
                Prediction[] out = new Prediction[2];
                ModelHandle[] models = {primaryModel, comparisonModel};
                for (int i = 0; i < 2; i++) {
                    if (models[i] != null) {
                        Picture e = ImageDecoder.fromBufferedImage(edited);
                        out[i] = models[i].predict(e.rgb(), e.height(), e.width(), org.kemwb.infer.InputSize.MODEL, false);
                    }
                }
                updateMessage("Ready");
                return out;
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> report(message(task.getException())));
        jobs.onEngine(task);
    }

    static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        // jobs are cancelled and waited for; then models are closed on the engine thread
        jobs.close(() -> {
            if (primaryModel != null) {
                primaryModel.close();
            }
            if (comparisonModel != null) {
                comparisonModel.close();
            }
        });
    }
}
