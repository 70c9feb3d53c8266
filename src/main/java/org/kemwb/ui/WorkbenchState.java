package org.kemwb.ui;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Picture;
import org.kemwb.infer.MemoryReadouts;
import org.kemwb.infer.CardModel;
import org.kemwb.infer.CardPrediction;
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
    private final ObjectProperty<CardPrediction> primaryCard = new SimpleObjectProperty<>();
    private final ObjectProperty<CardPrediction> comparisonCard = new SimpleObjectProperty<>();
    private final StringProperty device = new SimpleStringProperty("auto");
    private final StringProperty deviceName = new SimpleStringProperty("…");
    private final StringProperty error = new SimpleStringProperty();
    private final ObjectProperty<org.kemwb.data.Sample> groundTruth = new SimpleObjectProperty<>();
    private final ObjectProperty<java.util.Set<org.kemwb.model.Task>> groundTruthTasks = new SimpleObjectProperty<>(java.util.Set.of());
    private final javafx.collections.ObservableList<Path> openedImages = javafx.collections.FXCollections.observableArrayList();
    private final javafx.collections.ObservableList<Message> messages = javafx.collections.FXCollections.observableArrayList();
    private ModelHandle primaryModel;
    /** The file {@link #primaryModel} came from (set on the engine thread with it). */
    private volatile Path primaryModelFile;
    /** The open image as decoded (full precision); {@link #image} is its 8-bit display copy. */
    private volatile Picture picture;
    private ModelHandle comparisonModel;
    /** A model with a model card (any PyTorch model, {@code infer.CardModel}) in a slot, instead of a native model. */
    private CardModel primaryCardModel;
    private CardModel comparisonCardModel;
    /** Whether each slot (PRIMARY, COMPARISON) holds a native KEM/sKEM model (FX thread; false for a card model or none). */
    private final boolean[] nativeModel = new boolean[2];

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

    /**
     * The prediction of a card model (TorchScript + model card) in a slot; null when the slot
     * holds a native model or nothing. A slot has either this or {@link #predictionProperty}.
     */
    public ObjectProperty<CardPrediction> cardPredictionProperty(Slot slot) {
        return slot == Slot.PRIMARY ? primaryCard : comparisonCard;
    }

    /** Labels of the open image when it belongs to a dataset folder (at the primary model's size), else null. */
    public ObjectProperty<org.kemwb.data.Sample> groundTruthProperty() {
        return groundTruth;
    }

    /**
     * The tasks of {@link #groundTruthProperty} whose labels were read (set before it); a task of the
     * model left out has had its reason reported once (a bad label file, a class count that differs).
     */
    public ObjectProperty<java.util.Set<org.kemwb.model.Task>> groundTruthTasksProperty() {
        return groundTruthTasks;
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
            primaryCard.set(null);
            comparisonCard.set(null);
            groundTruth.set(null);
            groundTruthTasks.set(java.util.Set.of());
            image.set(task.getValue());
            if (!openedImages.contains(file)) {
                openedImages.add(file);
            }
            error.set(null);
            rerun();
        });
        task.setOnFailed(e -> report(message(task.getException()))); // the decoder's message names the file
        return jobs.onEngine(task);
    }

    /**
     * Whether the model in a slot is a native KEM/sKEM model (with the workbench's own attention and
     * slot read-outs); false for a card (TorchScript) model or an empty slot. FX thread.
     */
    public boolean hasNativeModel(Slot slot) {
        return nativeModel[slot.ordinal()] && modelPathProperty(slot).get() != null;
    }

    /** Loads a checkpoint into a slot (closing the model it replaces) and runs it on the image. */
    public Task<Void> openCheckpoint(Path file, Slot slot) {
        String[] trainedOn = new String[1];
        boolean[] isCard = new boolean[1];
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Loading " + file.getFileName());
                ModelHandle loaded = null;
                CardModel card = null;
                // a model with a card (export_model.py) or a native/own export: each opens as what it is
                if (CardModel.isCardModel(file)) {
                    card = CardModel.load(file, Devices.resolve(device.get()));
                    isCard[0] = true;
                    trainedOn[0] = "unknown data (a model card does not record it)";
                } else {
                    loaded = ModelHandle.open(file, Devices.resolve(device.get()));
                    trainedOn[0] = loaded.trainedOn();
                }
                ModelHandle old = slot == Slot.PRIMARY ? primaryModel : comparisonModel;
                CardModel oldCard = slot == Slot.PRIMARY ? primaryCardModel : comparisonCardModel;
                if (slot == Slot.PRIMARY) {
                    primaryModel = loaded;
                    primaryModelFile = file;
                    primaryCardModel = card;
                } else {
                    comparisonModel = loaded;
                    comparisonCardModel = card;
                }
                if (old != null) {
                    old.close();
                }
                if (oldCard != null) {
                    oldCard.close();
                }
                String name = Devices.describe(loaded != null ? loaded.device() : card.device());
                javafx.application.Platform.runLater(() -> deviceName.set(name));
                return null;
            }
        };
        task.setOnSucceeded(e -> {
            predictionProperty(slot).set(null); // the old model's outputs: never shown under the new model's name
            cardPredictionProperty(slot).set(null);
            trainedOnProperty(slot).set(trainedOn[0]);
            nativeModel[slot.ordinal()] = !isCard[0]; // before the path: its listeners ask
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
        org.kemwb.data.FolderDataset.Truth[] labels = new org.kemwb.data.FolderDataset.Truth[1];
        CardPrediction[] cards = new CardPrediction[2];
        Task<Prediction[]> task = new Task<>() {
            @Override
            protected Prediction[] call() throws java.io.IOException {
                updateMessage("Inference");
                // labels at the image's own size (any aspect), where predictions come back
                if (primaryModel != null && path != null) {
                    var cfg = primaryModel.config();
                    // task by task: a bad label file costs its own task only, with a one-line reason
                    try {
                        labels[0] = org.kemwb.data.FolderDataset.truthOf(path, java.util.EnumSet.copyOf(cfg.tasks()),
                                cfg.semsegClasses(), cfg.partsClasses()).orElse(null);
                    } catch (java.io.IOException ex) {
                        // the image itself could not be read again: predictions only, and say why
                        labels[0] = new org.kemwb.data.FolderDataset.Truth(null, java.util.Set.of(),
                                List.of("ground truth not shown: " + message(ex)));
                    }
                }
                updateProgress(-1, 1);
                Prediction[] out = new Prediction[2];
                ModelHandle[] models = {primaryModel, comparisonModel};
                CardModel[] cardModels = {primaryCardModel, comparisonCardModel};
                for (int i = 0; i < 2; i++) {
                    if (cardModels[i] != null) {
                        // every task of the card at the photo's size, attention read through the card
                        cards[i] = cardModels[i].predict(decoded != null ? decoded : ImageDecoder.fromBufferedImage(img));
                    }
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
            org.kemwb.data.FolderDataset.Truth truth = labels[0];
            boolean any = truth != null && !truth.labelled().isEmpty();
            groundTruthTasks.set(any ? truth.labelled() : java.util.Set.of());
            groundTruth.set(any ? truth.sample() : null);
            if (truth != null) {
                truth.problems().forEach(this::report);
            }
            primaryCard.set(cards[0]);
            comparisonCard.set(cards[1]);
            primary.set(task.getValue()[0]);
            comparison.set(task.getValue()[1]);
        });
        task.setOnFailed(e -> report((path == null ? "" : "Running the models on " + path.getFileName() + ": ")
                + message(task.getException())));
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

    /** Most images of a folder that {@link #measureReadouts} reads (the first by name). */
    public static final int MAX_READOUT_IMAGES = 64;

    /**
     * Slot read-outs ({@link MemoryReadouts}) of the primary model over a set of images.
     *
     * @param model the checkpoint measured
     * @param folder where the images came from
     * @param images the images measured, in order
     * @param tasks the model's task ids, in its order (the report's rows and columns)
     */
    public record SetReadouts(Path model, Path folder, List<Path> images, List<String> tasks, MemoryReadouts.Report report) {}

    /** The images of a folder read-outs use: .png, .jpg and .jpeg files, sorted by name, at most {@code max}. */
    public static List<Path> imagesIn(Path folder, int max) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(folder)) {
            throw new java.io.IOException("image folder " + folder + " does not exist");
        }
        try (var files = java.nio.file.Files.list(folder)) {
            List<Path> found = files.filter(f -> {
                String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return java.nio.file.Files.isRegularFile(f) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
            }).sorted().limit(max).toList();
            if (found.isEmpty()) {
                throw new java.io.IOException("image folder " + folder + " has no .png or .jpg images");
            }
            return found;
        }
    }

    /**
     * Measures the primary model's slot read-outs over the first {@link #MAX_READOUT_IMAGES}
     * images of a folder, on the engine thread (images read there too); {@code done} gets the
     * result on the FX thread (null when the primary slot holds no native model by the time it
     * runs: a card model has no slot read-outs), errors go to the message log.
     */
    public Task<SetReadouts> measureReadouts(Path folder, int top, java.util.function.Consumer<SetReadouts> done) {
        Task<SetReadouts> task = new Task<>() {
            @Override
            protected SetReadouts call() throws Exception {
                ModelHandle model = primaryModel;
                if (model == null) {
                    return null; // the model was replaced by a card model (or none) before this ran: nothing to measure, no error
                }
                updateMessage("Reading images in " + folder.getFileName());
                List<Path> files = imagesIn(folder, MAX_READOUT_IMAGES);
                List<float[]> rgb = MemoryReadouts.readImages(files, model.config());
                updateMessage("Slot read-outs over " + files.size() + " images");
                return new SetReadouts(primaryModelFile, folder, files,
                        model.config().tasks().stream().map(org.kemwb.model.Task::id).toList(), model.readouts(rgb, top));
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> report(message(task.getException())));
        return jobs.onEngine(task, "Slot read-outs");
    }

    static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        if (t instanceof OutOfMemoryError) {
            // a 12 MP photo's outputs at its own size take about 1.8 GB of heap with two models open
            long heapMb = Runtime.getRuntime().maxMemory() >> 20;
            return "out of memory (" + (t.getMessage() == null ? "OutOfMemoryError" : t.getMessage()) + ", heap limit " + heapMb
                    + " MB; a 12 MP photo needs about 2 GB with two models open): start with "
                    + (Boolean.getBoolean("kemwb.packaged") ? "JAVA_TOOL_OPTIONS" : "KEMWB_JAVA_OPTS") + "=-Xmx"
                    + Math.max(8, 2 * Math.ceilDiv(heapMb, 1024)) + "g";
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
            for (CardModel c : new CardModel[] {primaryCardModel, comparisonCardModel}) {
                if (c != null) {
                    c.close();
                }
            }
        });
    }
}
