package org.kemwb.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.kemwb.infer.MemoryReadouts;

/**
 * Where the primary model's interaction reads from over a set of images ({@link MemoryReadouts},
 * the numbers {@code kemwb readouts} prints): attention mass between tasks, and for kem/skem how
 * many distinct tokens the slots read, how often each slot reads the same positions on every
 * image (position repeat against k/(K L) for random reads), the most-read tokens and each head's
 * task share. Measured on the engine thread (a job in the jobs list) over the first
 * {@link WorkbenchState#MAX_READOUT_IMAGES} images of a folder (default: the samples' images),
 * again whenever the primary model changes; results of another model are never shown.
 */
final class SlotReadoutsView extends VBox {
    /** Most-read tokens listed. */
    static final int TOP = 5;
    /** What the page says instead of read-outs when the primary model is a card (TorchScript) model. */
    static final String NEEDS_NATIVE = "Slot read-outs need a native KEM/sKEM model.";
    private final WorkbenchState state;
    private final Label folderLabel = Layouts.elidable(new Label());
    private final Label status = Layouts.wrapping(new Label());
    private final VBox results = new VBox(6);
    private Path folder;
    private WorkbenchState.SetReadouts shown;
    private boolean measuring;

    SlotReadoutsView(WorkbenchState state) {
        this.state = state;
        setSpacing(6);
        setPadding(new Insets(6, 0, 0, 0));
        setId("slot-readouts");
        Label title = Layouts.wrapping(new Label("Slot read-outs over a set of images (primary model)"));
        title.getStyleClass().add("panel-title");
        folderLabel.setId("readouts-folder");
        status.setId("readouts-status");
        Button choose = new Button("Choose folder…");
        choose.setId("readouts-choose");
        choose.setOnAction(e -> {
            var f = Folders.directoryChooser("Images for the slot read-outs").showDialog(getScene().getWindow());
            if (f != null) {
                Folders.remember(f);
                setFolder(f.toPath());
            }
        });
        Button again = new Button("Measure");
        again.setId("readouts-measure");
        again.setOnAction(e -> measure());
        Path samples = WorkbenchApp.samples().resolve("images");
        folder = Files.isDirectory(samples) ? samples : null;
        folderLabel.setText(folder == null ? "no folder chosen" : folder.toString());
        folderLabel.setMaxWidth(360);
        var controls = Layouts.row(new Label("Images:"), choose, again, folderLabel);
        folderLabel.setMinWidth(0); // a long path is shortened (full path in its tooltip), never widens the page
        getChildren().addAll(title, controls, status, results);
        state.modelPathProperty(WorkbenchState.Slot.PRIMARY).addListener((o, a, b) -> {
            clear("Results cleared: the model changed.");
            measure();
        });
        measure();
    }

    /** Measures over another folder's images. */
    void setFolder(Path f) {
        folder = f;
        folderLabel.setText(f.toString());
        clear("");
        measure();
    }

    /** The read-outs shown, or null (tests). */
    WorkbenchState.SetReadouts shown() {
        return shown;
    }

    private void clear(String why) {
        shown = null;
        results.getChildren().clear();
        status.setText(why);
    }

    /** Starts a measurement of the primary model over the folder (no-op without a model or folder). */
    void measure() {
        Path model = state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get();
        if (model == null || folder == null) {
            status.setText(model == null ? "Open a model to measure its slot read-outs." : "Choose a folder of images.");
            return;
        }
        if (!state.hasNativeModel(WorkbenchState.Slot.PRIMARY)) {
            status.setText(NEEDS_NATIVE); // a card (TorchScript) model: its attention is not the workbench's own
            return;
        }
        if (measuring) {
            return; // the running one re-measures when it finds the model or folder changed
        }
        measuring = true;
        Path f = folder;
        status.setText("Measuring " + model.getFileName() + " over the images in " + f + " …");
        state.measureReadouts(f, TOP, r -> {
            measuring = false;
            if (r == null) {
                measure(); // the model was replaced before the measurement ran: says what is open now
                return;
            }
            if (!r.folder().equals(folder) || !r.model().equals(state.modelPathProperty(WorkbenchState.Slot.PRIMARY).get())) {
                measure(); // measured on something no longer shown: again, on what is
                return;
            }
            show(r);
        }).stateProperty().addListener((o, a, b) -> {
            if (b == javafx.concurrent.Worker.State.FAILED || b == javafx.concurrent.Worker.State.CANCELLED) {
                measuring = false;
                status.setText("Slot read-outs failed: see the message log.");
            }
        });
    }

    private static Label header(String text) {
        Label l = Layouts.keepWidth(new Label(text));
        l.getStyleClass().add("table-header");
        return l;
    }

    private static Label cell(String id, String text) {
        Label l = Layouts.keepWidth(new Label(text));
        l.getStyleClass().add("table-cell-value");
        l.setId(id);
        return l;
    }

    /** A share as a percentage with one decimal: "50.0 %". */
    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    /** "Position repeat of each slot, head 0: slot 0 1.00 · slot 1 0.67 · ...". */
    private static Label slotRepeat(MemoryReadouts.Report rep, int h) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Position repeat of each slot, head %d:", h));
        for (int n = 0; n < rep.slotRepeat()[h].length; n++) {
            sb.append(n == 0 ? " " : " · ").append(String.format(Locale.ROOT, "slot %d %.2f", n, rep.slotRepeat()[h][n]));
        }
        Label l = Layouts.wrapping(new Label(sb.toString()));
        l.setId("readouts-slot-repeat-" + h);
        return l;
    }

    private void show(WorkbenchState.SetReadouts r) {
        shown = r;
        MemoryReadouts.Report rep = r.report();
        List<String> tasks = r.tasks();
        status.setText(String.format(Locale.ROOT, "%s over %d images of %s.", r.model().getFileName(), rep.images(), r.folder()));
        results.getChildren().clear();
        int kl = rep.tasks() * rep.tokensPerTask();
        if (rep.readsPerImage() > 0) {
            Label distinct = Layouts.wrapping(new Label(String.format(Locale.ROOT,
                    "Distinct tokens the slots read per image: %.2f ± %.2f of %d (N k h = %d reads); on any image: %d.",
                    rep.distinctMean(), rep.distinctStd(), kl, rep.readsPerImage(), rep.distinctUnion())));
            distinct.setId("readouts-distinct");
            Label repeat = Layouts.wrapping(new Label(String.format(Locale.ROOT,
                    "Position repeat: %.3f of a slot's reads are the same tokens on two images (1 = position-driven; "
                            + "slots reading at random: %.3f).", rep.positionRepeat(), rep.chanceRepeat())));
            repeat.setId("readouts-repeat");
            StringBuilder top = new StringBuilder("Most-read tokens (task, row, column: share of all reads): ");
            for (int i = 0; i < rep.topPositions().size(); i++) {
                MemoryReadouts.Position p = rep.topPositions().get(i);
                top.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s row %d, column %d: %s", tasks.get(p.task()), p.row(), p.col(),
                        percent(p.share())));
            }
            Label topLabel = Layouts.wrapping(new Label(top.toString()));
            topLabel.setId("readouts-top");
            results.getChildren().addAll(distinct, repeat);
            for (int h = 0; h < rep.slotRepeat().length; h++) {
                results.getChildren().add(slotRepeat(rep, h));
            }
            results.getChildren().add(topLabel);
        }
        GridPane mass = new GridPane(14, 4);
        mass.getStyleClass().add("result-table");
        mass.setId("readouts-mass");
        mass.add(header("takes from →"), 0, 0);
        for (int s = 0; s < rep.tasks(); s++) {
            mass.add(header(tasks.get(s)), s + 1, 0);
            mass.add(header(tasks.get(s)), 0, s + 1);
            for (int c = 0; c < rep.tasks(); c++) {
                mass.add(cell("readouts-mass-" + s + "-" + c, String.format(Locale.ROOT, "%.1f ± %.1f %%",
                        100 * rep.taskMassMean()[s][c], 100 * rep.taskMassStd()[s][c])), c + 1, s + 1);
            }
        }
        GridPane heads = new GridPane(14, 4);
        heads.getStyleClass().add("result-table");
        heads.setId("readouts-heads");
        heads.add(header(rep.readsPerImage() > 0 ? "share of reads" : "attention mass"), 0, 0);
        for (int s = 0; s < rep.tasks(); s++) {
            heads.add(header(tasks.get(s)), s + 1, 0);
        }
        if (rep.headDistinctMean().length > 0) {
            heads.add(header("distinct / image"), rep.tasks() + 1, 0);
        }
        for (int h = 0; h < rep.heads(); h++) {
            heads.add(header("head " + h), 0, h + 1);
            for (int s = 0; s < rep.tasks(); s++) {
                heads.add(cell("readouts-head-" + h + "-" + s, percent(rep.headTaskShare()[h][s])), s + 1, h + 1);
            }
            if (rep.headDistinctMean().length > 0) {
                heads.add(cell("readouts-head-distinct-" + h, String.format(Locale.ROOT, "%.2f", rep.headDistinctMean()[h])),
                        rep.tasks() + 1, h + 1);
            }
        }
        Label massTitle = Layouts.wrapping(new Label("Attention mass each task (row) takes from each task (column), mean ± std over images"));
        Label headTitle = Layouts.wrapping(new Label(rep.readsPerImage() > 0
                ? "Per head: share of its slot reads on each task's tokens (1/K = no preference), distinct tokens it reads per image"
                : "Per head: mean attention mass on each task's tokens (1/K = no preference)"));
        mass.setMaxWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the table's frame hugs its cells
        heads.setMaxWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        results.getChildren().addAll(massTitle, mass, headTitle, heads);
    }
}
