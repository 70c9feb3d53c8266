package org.kemwb.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

/** The main window: navigation bar, the pages, and a status bar with device, job and memory. */
public final class MainWindow extends BorderPane {
    private final WorkbenchState state;
    /** Page factories: a page is built the first time it is shown, so the window appears sooner. */
    private final Map<String, java.util.function.Supplier<Node>> pageFactories = new LinkedHashMap<>();
    private final Map<String, Node> pages = new LinkedHashMap<>();
    private final ToggleGroup nav = new ToggleGroup();
    private final StackPane center = new StackPane();
    private boolean dark;
    private javafx.scene.control.ComboBox<String> deviceChoice;

    public MainWindow(WorkbenchState state, Path runsFolder, List<Path> runFolders) {
        this.state = state;
        getStyleClass().add("main-window");
        pageFactories.put("Inspect", () -> new InspectView(state));
        pageFactories.put("Attention", () -> new AttentionView(state));
        pageFactories.put("Toy noise", () -> new ToyNoiseView(state));
        pageFactories.put("Imbalance", () -> new ImbalanceView(state, WorkbenchApp.samples().resolve("imbalance")));
        pageFactories.put("Train", () -> new TrainView(state, runsFolder));
        pageFactories.put("Runs", () -> new RunsView(state, runFolders, this::show));
        VBox bar = new VBox(4);
        bar.getStyleClass().add("nav-bar");
        bar.setPadding(new Insets(10));
        for (String name : pageFactories.keySet()) {
            ToggleButton b = new ToggleButton(name);
            b.setToggleGroup(nav);
            b.setMaxWidth(Double.MAX_VALUE);
            b.setId("nav-" + name.toLowerCase(Locale.ROOT).replace(' ', '-'));
            b.setOnAction(e -> show(name));
            bar.getChildren().add(b);
        }
        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        Button openImage = new Button("Open image…");
        openImage.setOnAction(e -> chooseImage());
        Button openModel = new Button("Open checkpoint…");
        openModel.setOnAction(e -> chooseCheckpoint());
        javafx.scene.control.ComboBox<String> device = new javafx.scene.control.ComboBox<>();
        device.getItems().add("auto");
        device.getItems().add("cpu");
        this.deviceChoice = device;
        device.setValue(state.deviceProperty().get());
        device.setId("device-choice");
        device.setTooltip(new javafx.scene.control.Tooltip("Device for models opened from now on"));
        device.valueProperty().addListener((o, a, b) -> state.deviceProperty().set(b));
        javafx.scene.control.MenuButton recent = new javafx.scene.control.MenuButton("Recent");
        recent.setId("recent-files");
        recent.setMaxWidth(Double.MAX_VALUE);
        recent.setOnShowing(e -> {
            recent.getItems().clear();
            for (String f : RecentFiles.list()) {
                javafx.scene.control.MenuItem item = new javafx.scene.control.MenuItem(f);
                item.setMnemonicParsing(false); // file names keep their underscores
                item.setOnAction(ev -> open(Path.of(f)));
                recent.getItems().add(item);
            }
            if (recent.getItems().isEmpty()) {
                recent.getItems().add(new javafx.scene.control.MenuItem("(nothing opened yet)"));
            }
        });
        Button theme = new Button("Light / dark");
        theme.setOnAction(e -> toggleTheme());
        for (Button b : List.of(openImage, openModel, theme)) {
            b.setMaxWidth(Double.MAX_VALUE);
        }
        device.setMaxWidth(Double.MAX_VALUE);
        bar.setMinWidth(Region.USE_PREF_SIZE); // its buttons keep their whole labels
        bar.getChildren().addAll(spacer, new Label("Device"), device, openImage, openModel, recent, theme);
        setLeft(bar);
        setCenter(center);
        setBottom(statusBar());
        show("Inspect");
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                e.getDragboard().getFiles().forEach(f -> open(f.toPath()));
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    /** Opens a dropped or chosen file: a model (.params, .pt, .npz) goes to the primary slot, anything else is an image. */
    public void open(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".params") || name.endsWith(".pt") || name.endsWith(".npz")) {
            openCheckpoint(file);
        } else {
            remember(state.openImage(file), file);
        }
    }

    /** Opens a file as a model, whatever its name (the "Open checkpoint" dialog): it is never read as an image. */
    public void openCheckpoint(Path file) {
        remember(state.openCheckpoint(file, WorkbenchState.Slot.PRIMARY), file);
    }

    /** Only files that opened enter Recent. */
    private static void remember(javafx.concurrent.Task<?> task, Path file) {
        task.addEventHandler(javafx.concurrent.WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> RecentFiles.add(file));
    }

    public void show(String page) {
        center.getChildren().setAll(page(page));
        nav.getToggles().stream().filter(t -> ((ToggleButton) t).getText().equals(page)).findFirst()
                .ifPresent(t -> t.setSelected(true));
    }

    /** The page, built on first use (FX thread). */
    public Node page(String name) {
        return pages.computeIfAbsent(name, n -> pageFactories.get(n).get());
    }

    /**
     * Adds the usable GPUs to the device choice. Asking loads the PyTorch engine, so it runs on
     * the engine thread after whatever is queued there (the samples), never on the FX thread.
     */
    public void probeGpus() {
        javafx.concurrent.Task<Integer> task = new javafx.concurrent.Task<>() {
            @Override
            protected Integer call() {
                try {
                    return org.kemwb.model.Devices.gpuCount();
                } catch (RuntimeException e) {
                    return 0; // engine not loadable: CPU only; loading a model reports why
                }
            }
        };
        task.setOnSucceeded(e -> {
            for (int g = 0; g < task.getValue(); g++) {
                deviceChoice.getItems().add("gpu" + g);
            }
        });
        state.jobs().onEngine(task);
    }

    /** Keyboard shortcuts; call once the window has a scene. */
    public void installShortcuts() {
        var acc = getScene().getAccelerators();
        acc.put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::chooseImage);
        acc.put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), this::chooseCheckpoint);
        acc.put(new KeyCodeCombination(KeyCode.ESCAPE), () -> state.jobs().cancelNewestUserJob()); // never a background refresh
        int i = 1;
        for (String name : pageFactories.keySet()) {
            acc.put(new KeyCodeCombination(KeyCode.getKeyCode(Integer.toString(i++)), KeyCombination.SHORTCUT_DOWN), () -> show(name));
        }
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void chooseImage() {
        FileChooser fc = Folders.fileChooser("Open image");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp"));
        List<File> files = fc.showOpenMultipleDialog(window());
        if (files != null && !files.isEmpty()) {
            Folders.remember(files.getFirst());
            files.forEach(f -> open(f.toPath())); // all join the image strip; the last one is shown
        }
    }

    private void chooseCheckpoint() {
        FileChooser fc = Folders.fileChooser("Open checkpoint");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Models (checkpoint, TorchScript, npz)", "*.params", "*.pt", "*.npz"));
        File f = fc.showOpenDialog(window());
        if (f != null) {
            Folders.remember(f);
            openCheckpoint(f.toPath());
        }
    }

    private void toggleTheme() {
        setDark(!dark);
    }

    /** Light or dark theme (the "Light / dark" button; scripts/screenshots.sh). */
    void setDark(boolean on) {
        dark = on;
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
        ChartStyle.setDark(dark);
    }

    private StatusBar statusBar() {
        StatusBar status = new StatusBar();
        status.setId("status-bar");
        status.setText(""); // ControlsFX shows "OK" by default, even beside an error
        Label device = new Label();
        device.textProperty().bind(state.deviceNameProperty().concat("  "));
        Label memory = new Label();
        status.getRightItems().addAll(device, memory, new JobsBar(state.jobs()));
        Timeline tick = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
            Runtime rt = Runtime.getRuntime();
            long rss = org.kemwb.bench.ProcessMemory.rssBytes();
            memory.setText(String.format(Locale.ROOT, "heap %d MB · process %d MB  ",
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rss >> 20));
        }));
        tick.setCycleCount(Timeline.INDEFINITE);
        tick.play();
        // errors: the latest on one line beside the job, every one in the message log (issue 16)
        status.getLeftItems().add(new MessageLog(state));
        status.getRightItems().forEach(Layouts::keepWidth);
        return status;
    }
}
