package org.kemwb.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.kemwb.data.ClassNames;
import org.kemwb.infer.OutputImages;
import org.kemwb.job.EvalJob;
import org.kemwb.metrics.ClassTables;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.metrics.SegmentationMetrics;
import org.kemwb.util.AtomicFiles;

/**
 * "Evaluate on a set": scores a checkpoint (the open model by default) on the val split of a
 * dataset folder or on held-out synthetic scenes, as a background job of the job center (progress
 * and Cancel there and here), then shows the set's metrics, a sortable per-class IoU table with
 * class names ({@link ClassTables#rows}) and the confusion matrix as a row-normalised heatmap
 * (share of each labelled class's pixels predicted as each class, Turbo colours 0 to 100 %, with a
 * colour bar), for semseg and human parts. Both tables export as the CSV files of
 * {@code kemwb eval --per-class/--confusion}.
 */
public final class EvalView extends VBox {
    /** Side of the confusion heatmap on screen, in pixels. */
    static final int HEATMAP = 256;
    /** Size of the evaluation window's scene, in pixels: fits a 1024x768 screen with its title bar. */
    static final double WIDTH = 1000;
    static final double HEIGHT = 680;
    private final WorkbenchState state;
    /** The evaluation shown (null before the first one ends). */
    private final ReadOnlyObjectWrapper<EvalJob.Outcome> outcome = new ReadOnlyObjectWrapper<>();
    private final SimpleObjectProperty<Path> checkpoint = new SimpleObjectProperty<>();
    private final SimpleObjectProperty<Path> folder = new SimpleObjectProperty<>();
    private final RadioButton synthetic = new RadioButton("Synthetic scenes");
    private final RadioButton dataset = new RadioButton("Dataset folder (val split)");
    private final Spinner<Integer> count = new Spinner<>(1, 100_000, 64);
    private final ComboBox<MetricConvention> convention = new ComboBox<>(FXCollections.observableArrayList(MetricConvention.values()));
    private final Button start = new Button("Evaluate");
    private final Button cancel = new Button("Cancel");
    private final Label status = Layouts.wrapping(new Label("Choose a set and press Evaluate."));
    private final Label metrics = Layouts.wrapping(new Label());
    private final ComboBox<String> task = new ComboBox<>();
    private final TableView<ClassTables.ClassRow> table = new TableView<>();
    private final ImageView heatmap = new ImageView();
    private final Label cell = Layouts.wrapping(new Label(" "));
    private final Button exportPerClass = new Button("Per-class CSV…");
    private final Button exportConfusion = new Button("Confusion CSV…");
    private Task<EvalJob.Outcome> running;
    private boolean refilling;
    private String[] names = new String[0];
    private double[][] shares = new double[0][0];
    private long[][] counts = new long[0][0];

    public EvalView(WorkbenchState state) {
        this.state = state;
        getStyleClass().add("page");
        setSpacing(8);
        setPadding(new Insets(12));
        checkpoint.set(state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get());
        // a model opened in the workbench later becomes the one to evaluate
        state.modelPathProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, b) -> {
            if (b != null) {
                checkpoint.set(b);
            }
        });
        Label model = Layouts.wrapping(new Label());
        model.setId("eval-checkpoint");
        model.setMnemonicParsing(false);
        model.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> "Model: " + (checkpoint.get() == null ? "none (open one, or choose a checkpoint)" : checkpoint.get()), checkpoint));
        Button chooseModel = new Button("Checkpoint…");
        chooseModel.setOnAction(e -> chooseCheckpoint());
        ToggleGroup source = new ToggleGroup();
        synthetic.setToggleGroup(source);
        dataset.setToggleGroup(source);
        synthetic.setSelected(true);
        synthetic.setId("eval-synthetic");
        dataset.setId("eval-dataset");
        count.setId("eval-count");
        Layouts.fitSpinner(count, "100000");
        count.disableProperty().bind(dataset.selectedProperty());
        Button chooseFolder = new Button("Folder…");
        chooseFolder.setOnAction(e -> chooseFolder());
        Label folderLabel = Layouts.wrapping(new Label());
        folderLabel.setMnemonicParsing(false);
        folderLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> folder.get() == null ? "no folder chosen" : folder.get().toString(), folder));
        convention.setValue(MetricConvention.PUBLISHED);
        convention.setId("eval-convention");
        start.setId("eval-start");
        start.setOnAction(e -> start());
        cancel.setId("eval-cancel");
        cancel.setDisable(true);
        cancel.setOnAction(e -> {
            if (running != null) {
                running.cancel();
            }
        });
        status.setId("eval-status");
        metrics.setId("eval-metrics");
        task.setId("eval-task");
        task.valueProperty().addListener((o, a, b) -> {
            if (!refilling) {
                showTask();
            }
        });
        table.setId("eval-per-class");
        table.setPlaceholder(new Label("No class table yet"));
        table.setPrefHeight(HEATMAP + 40);
        table.getColumns().setAll(columns());
        heatmap.setId("eval-confusion");
        heatmap.setFitWidth(HEATMAP);
        heatmap.setFitHeight(HEATMAP);
        heatmap.setOnMouseMoved(e -> hoverCell(e.getX() / HEATMAP, e.getY() / HEATMAP));
        heatmap.setOnMouseExited(e -> cell.setText(" "));
        cell.setId("eval-cell");
        cell.setMaxWidth(HEATMAP + 60); // wraps under the matrix instead of widening it (and narrowing the table)
        exportPerClass.setId("eval-export-per-class");
        exportConfusion.setId("eval-export-confusion");
        exportPerClass.setOnAction(e -> export(false));
        exportConfusion.setOnAction(e -> export(true));
        for (Button b : List.of(exportPerClass, exportConfusion)) {
            b.disableProperty().bind(outcome.isNull());
        }
        ImageView bar = new ImageView(Pictures.colourBar(14, HEATMAP));
        // the bar's end labels keep their width (the table beside grows and squeezed them to "…")
        VBox barBox = new VBox(Layouts.keepWidth(new Label("100 %")), bar, Layouts.keepWidth(new Label("0 %")));
        barBox.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        barBox.setAlignment(Pos.CENTER_LEFT);
        Label rows = new Label("rows: labelled class · columns: predicted class · colour: share of the row's labelled pixels");
        rows.getStyleClass().add("caption");
        Layouts.wrapping(rows).setMaxWidth(HEATMAP + 60);
        VBox matrix = new VBox(4, new Label("Confusion matrix (row-normalised)"), new HBox(6, heatmap, barBox), rows, cell);
        matrix.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox.setHgrow(table, Priority.ALWAYS);
        HBox results = new HBox(16, table, matrix);
        VBox.setVgrow(results, Priority.ALWAYS);
        getChildren().addAll(Layouts.row(model, chooseModel),
                Layouts.row(synthetic, count, dataset, chooseFolder, folderLabel),
                Layouts.row(new Label("Convention"), convention, start, cancel), status, metrics,
                Layouts.row(new Label("Task"), task, exportPerClass, exportConfusion), results);
    }

    /** A button that opens the evaluation window (one per button, reused). */
    static Button openButton(WorkbenchState state) {
        Button b = new Button("Evaluate on a set…");
        b.setId("open-eval");
        b.setTooltip(new javafx.scene.control.Tooltip("Metrics, per-class IoU and confusion matrix of the model on a labelled set"));
        Stage[] window = new Stage[1];
        b.setOnAction(e -> {
            if (window[0] == null) {
                window[0] = window(new EvalView(state), b.getScene());

            }
            window[0].show();
            window[0].toFront();
        });
        return b;
    }

    /** The evaluation window around a view: {@link #WIDTH} x {@link #HEIGHT}, owned by and styled as {@code owner}'s window (may be null). */
    static Stage window(EvalView view, Scene owner) {
        Stage stage = new Stage();
        stage.setTitle("Evaluate on a set");
        Scene scene = new Scene(new BorderPane(view), WIDTH, HEIGHT);
        if (owner != null) {
            stage.initOwner(owner.getWindow());
            scene.getStylesheets().addAll(owner.getStylesheets());
        }
        stage.setScene(scene);
        return stage;
    }

    private List<TableColumn<ClassTables.ClassRow, ?>> columns() {
        TableColumn<ClassTables.ClassRow, Integer> id = new TableColumn<>("class");
        id.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().classId()));
        TableColumn<ClassTables.ClassRow, String> name = new TableColumn<>("name");
        name.setCellValueFactory(c -> new SimpleStringProperty(nameOf(c.getValue().classId())));
        TableColumn<ClassTables.ClassRow, Double> iou = new TableColumn<>("IoU (%)");
        iou.setId("eval-iou-column");
        iou.setCellValueFactory(c -> new SimpleObjectProperty<>(100 * c.getValue().iou()));
        iou.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : iouText(v));
            }
        });
        TableColumn<ClassTables.ClassRow, Long> tp = new TableColumn<>("TP");
        tp.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().tp()));
        TableColumn<ClassTables.ClassRow, Long> fp = new TableColumn<>("FP");
        fp.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().fp()));
        TableColumn<ClassTables.ClassRow, Long> fn = new TableColumn<>("FN");
        fn.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().fn()));
        TableColumn<ClassTables.ClassRow, Long> labelled = new TableColumn<>("labelled pixels");
        labelled.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().tp() + c.getValue().fn()));
        return List.of(id, name, iou, tp, fp, fn, labelled);
    }

    /** An IoU in percent as the table shows it. */
    static String iouText(double percent) {
        return Double.isNaN(percent) ? "absent" : String.format(Locale.ROOT, "%.2f", percent);
    }

    private String nameOf(int c) {
        return c < names.length ? names[c] : "class " + c;
    }

    /** The checkpoint to evaluate (default: the model open in the workbench). */
    void setCheckpoint(Path file) {
        checkpoint.set(file);
    }

    /** Evaluates on {@code n} synthetic scenes (the default set). */
    void useSyntheticScenes(int n) {
        synthetic.setSelected(true);
        count.getValueFactory().setValue(n);
    }

    /** Evaluates on the val split of this dataset folder. */
    void useFolder(Path dir) {
        folder.set(dir);
        dataset.setSelected(true);
    }

    /** The outcome shown, null before the first evaluation ends (FX thread). */
    ReadOnlyObjectProperty<EvalJob.Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    TableView<ClassTables.ClassRow> table() {
        return table;
    }

    ComboBox<String> taskChoice() {
        return task;
    }

    ImageView heatmap() {
        return heatmap;
    }

    Label status() {
        return status;
    }

    /** Starts the evaluation as a user job; returns its task, or null when something is missing (the status says what). */
    Task<EvalJob.Outcome> start() {
        if (running != null) {
            return running;
        }
        if (checkpoint.get() == null) {
            status.setText("No model: open a checkpoint in the workbench or choose one here.");
            return null;
        }
        EvalJob.Data set;
        if (dataset.isSelected()) {
            if (folder.get() == null) {
                status.setText("No dataset folder chosen (Folder…).");
                return null;
            }
            set = EvalJob.Data.folder(folder.get());
        } else {
            set = EvalJob.Data.synthetic(count.getValue(), 1, 100_000); // as `kemwb eval`: far from training scenes
        }
        EvalJob job = new EvalJob(checkpoint.get(), state.deviceProperty().get(), set, convention.getValue());
        Task<EvalJob.Outcome> t = state.jobs().submit(job, null);
        running = t;
        start.setDisable(true);
        cancel.setDisable(false);
        status.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> job.title() + " on " + set.describe()
                + (t.getTotalWork() > 0 ? String.format(Locale.ROOT, ": %.0f %%", 100 * Math.max(0, t.getProgress())) : "…"),
                t.progressProperty()));
        t.stateProperty().addListener((o, a, s) -> {
            if (s == javafx.concurrent.Worker.State.SUCCEEDED || s == javafx.concurrent.Worker.State.FAILED
                    || s == javafx.concurrent.Worker.State.CANCELLED) {
                finished(t, set);
            }
        });
        return t;
    }

    private void finished(Task<EvalJob.Outcome> t, EvalJob.Data set) {
        running = null;
        status.textProperty().unbind();
        start.setDisable(false);
        cancel.setDisable(true);
        if (t.getState() == javafx.concurrent.Worker.State.FAILED) {
            String m = WorkbenchState.message(t.getException());
            status.setText("Evaluation failed: " + m);
            state.report(m);
        } else if (t.getState() == javafx.concurrent.Worker.State.CANCELLED || t.getValue() == null) {
            status.setText("Evaluation cancelled; the results shown (if any) are from before.");
        } else {
            show(t.getValue());
        }
    }

    /** Shows an evaluation's metrics and class tables (FX thread). */
    void show(EvalJob.Outcome o) {
        outcome.set(o);
        status.setText(String.format(Locale.ROOT, "%s on %s (%d images, %s convention)", o.checkpoint().getFileName(),
                o.set().describe(), o.images(), o.result().convention().id()));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : o.result().metrics().entrySet()) {
            sb.append(sb.isEmpty() ? "" : "   ").append(org.kemwb.runs.MetricNames.axisLabel(e.getKey())).append(' ')
                    .append(String.format(Locale.ROOT, "%.3f", e.getValue()));
        }
        metrics.setText(sb.toString());
        List<String> tasks = new ArrayList<>();
        if (o.result().semseg() != null) {
            tasks.add("semseg");
        }
        if (o.result().parts() != null) {
            tasks.add("parts");
        }
        String keep = task.getValue();
        refilling = true; // the items and value below change together: one redraw after
        try {
            task.getItems().setAll(tasks);
            task.setValue(tasks.contains(keep) ? keep : tasks.isEmpty() ? null : tasks.getFirst());
        } finally {
            refilling = false;
        }
        showTask();
    }

    /** The class table and heatmap of the chosen task (semseg or parts). */
    private void showTask() {
        EvalJob.Outcome o = outcome.get();
        SegmentationMetrics m = o == null || task.getValue() == null ? null
                : task.getValue().equals("parts") ? o.result().parts() : o.result().semseg();
        if (m == null) {
            table.getItems().clear();
            table.setPlaceholder(new Label(o == null ? "No class table yet" : "The model has neither semseg nor parts: no class table."));
            heatmap.setImage(null);
            names = new String[0];
            return;
        }
        names = ClassNames.of(task.getValue().equals("parts") ? org.kemwb.model.Task.PARTS : org.kemwb.model.Task.SEMSEG, m.classes());
        table.getItems().setAll(ClassTables.rows(m));
        table.sort();
        // sized to the text the cells show ("12.35", not the 17 digits of the double: that pushed the last column out of view)
        Layouts.fitColumns(table, (column, v) -> "eval-iou-column".equals(column.getId()) && v instanceof Double d ? iouText(d) : v.toString());
        counts = m.confusion();
        shares = ClassTables.rowNormalised(counts);
        // drawn at its display size: a scaled 6x6 image is smoothed into blobs (setSmooth(false) does nothing, see Pictures.nearest)
        heatmap.setImage(Pictures.nearest(heatmapImage(shares), HEATMAP, HEATMAP));
    }

    /**
     * One pixel per cell: Turbo colour of the row-normalised share (0 to 1); rows of classes
     * without labelled pixels are drawn mid-grey.
     */
    static WritableImage heatmapImage(double[][] shares) {
        int n = shares.length;
        int[] argb = new int[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double v = shares[a][b];
                argb[a * n + b] = Double.isNaN(v) ? 0xff808080 : 0xff000000 | OutputImages.turbo((float) v);
            }
        }
        WritableImage img = new WritableImage(Math.max(1, n), Math.max(1, n));
        if (n > 0) {
            img.getPixelWriter().setPixels(0, 0, n, n, PixelFormat.getIntArgbInstance(), argb, 0, n);
        }
        return img;
    }

    /** The hovered cell in words: labelled class, predicted class, share of the row and pixels. */
    void hoverCell(double fx, double fy) {
        int n = shares.length;
        if (n == 0 || fx < 0 || fy < 0 || fx >= 1 || fy >= 1) {
            cell.setText(" ");
            return;
        }
        int a = (int) (fy * n);
        int b = (int) (fx * n);
        cell.setText(Double.isNaN(shares[a][b]) ? String.format(Locale.ROOT, "label %s: no labelled pixels", nameOf(a))
                : String.format(Locale.ROOT, "label %s → predicted %s: %.1f %% of its pixels (%d)", nameOf(a), nameOf(b),
                        100 * shares[a][b], counts[a][b]));
    }

    Label cellText() {
        return cell;
    }

    private void chooseCheckpoint() {
        javafx.stage.FileChooser fc = Folders.fileChooser("Checkpoint to evaluate");
        fc.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("Checkpoints", "*.params", "*.npz"));
        java.io.File f = fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            Folders.remember(f);
            checkpoint.set(f.toPath());
        }
    }

    private void chooseFolder() {
        java.io.File f = Folders.directoryChooser("Dataset folder (its val split is scored)").showDialog(getScene().getWindow());
        if (f != null) {
            Folders.remember(f);
            useFolder(f.toPath());
        }
    }

    private void export(boolean confusion) {
        javafx.stage.FileChooser fc = Folders.fileChooser(confusion ? "Export confusion matrices" : "Export per-class IoU");
        fc.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("CSV", "*.csv"));
        fc.setInitialFileName(confusion ? "confusion.csv" : "per-class.csv");
        java.io.File f = fc.showSaveDialog(getScene().getWindow());
        if (f != null) {
            Folders.remember(f);
            exportTo(f.toPath(), confusion);
        }
    }

    /**
     * Writes the shown evaluation's per-class table ({@code task,class,iou,tp,fp,fn}) or
     * confusion matrices ({@code task,label,predicted,pixels}) of semseg and parts, as
     * {@code kemwb eval} does (background; whole file or none).
     */
    Task<Void> exportTo(Path file, boolean confusion) {
        EvalJob.Outcome o = outcome.get();
        Task<Void> t = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Writing " + file.getFileName());
                SegmentationMetrics s = o.result().semseg();
                SegmentationMetrics p = o.result().parts();
                AtomicFiles.writeString(file, confusion ? ClassTables.confusionCsv(s, p) : ClassTables.perClassCsv(s, p));
                return null;
            }
        };
        t.setOnFailed(e -> state.report(WorkbenchState.message(t.getException())));
        state.jobs().onOwnThread(t, "kemwb-export-eval");
        return t;
    }
}
