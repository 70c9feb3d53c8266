package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import org.kemwb.infer.ImageInput;
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

    private final Jobs jobs = new Jobs();
    private final ObjectProperty<BufferedImage> image = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> imagePath = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> primaryPath = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> comparisonPath = new SimpleObjectProperty<>();
    private final ObjectProperty<Prediction> primary = new SimpleObjectProperty<>();
    private final ObjectProperty<Prediction> comparison = new SimpleObjectProperty<>();
    private final StringProperty device = new SimpleStringProperty("auto");
    private final StringProperty deviceName = new SimpleStringProperty("…");
    private final StringProperty error = new SimpleStringProperty();
    private final ObjectProperty<org.kemwb.data.Sample> groundTruth = new SimpleObjectProperty<>();
    private final javafx.collections.ObservableList<Path> openedImages = javafx.collections.FXCollections.observableArrayList();
    private ModelHandle primaryModel;
    private ModelHandle comparisonModel;

    public Jobs jobs() {
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
        Task<BufferedImage> task = new Task<>() {
            @Override
            protected BufferedImage call() throws Exception {
                updateMessage("Reading " + file.getFileName());
                return ImageInput.read(file);
            }
        };
        task.setOnSucceeded(e -> {
            image.set(task.getValue());
            imagePath.set(file);
            if (!openedImages.contains(file)) {
                openedImages.add(file);
            }
            error.set(null);
            rerun();
        });
        task.setOnFailed(e -> error.set(message(task.getException())));
        return jobs.onEngine(task);
    }

    /** Loads a checkpoint into a slot (closing the model it replaces) and runs it on the image. */
    public Task<Void> openCheckpoint(Path file, Slot slot) {
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Loading " + file.getFileName());
                ModelHandle loaded = ModelHandle.open(file, Devices.resolve(device.get()));
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
            modelPathProperty(slot).set(file);
            error.set(null);
            rerun();
        });
        task.setOnFailed(e -> error.set(message(task.getException())));
        return jobs.onEngine(task);
    }

    /** Runs both models on the current image (on the engine thread) and publishes predictions. */
    public void rerun() {
        BufferedImage img = image.get();
        if (img == null) {
            return;
        }
        Path path = imagePath.get();
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
                        // letterboxed into the model's size, outputs back at the image's own size
                        out[i] = models[i].predict(ImageInput.planar(img), img.getHeight(), img.getWidth(),
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
        task.setOnFailed(e -> error.set(message(task.getException())));
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
                        out[i] = models[i].predict(ImageInput.planar(edited), edited.getHeight(), edited.getWidth(),
                                org.kemwb.infer.InputSize.MODEL, false);
                    }
                }
                updateMessage("Ready");
                return out;
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> error.set(message(task.getException())));
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
        // models are closed on the engine thread, after whatever it is running
        jobs.onEngine(new Task<Void>() {
            @Override
            protected Void call() {
                if (primaryModel != null) {
                    primaryModel.close();
                }
                if (comparisonModel != null) {
                    comparisonModel.close();
                }
                return null;
            }
        });
        jobs.close();
    }
}
