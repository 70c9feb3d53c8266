package org.kemwb.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kemwb.train.TrainingRun;
import org.kemwb.util.Json;

/** The runs found in the runs folders: a table read in the background; open a run's best checkpoint in Inspect. */
public final class RunsView extends VBox {
    /** One row of the table; plain strings read from run.json and the last eval row. */
    public record RunRow(Path dir, String name, String interaction, String tasks, String status, String step,
            String metrics) {}

    private final WorkbenchState state;
    private final List<Path> folders;
    private final TableView<RunRow> table = new TableView<>();
    private final Label info = new Label();

    public RunsView(WorkbenchState state, List<Path> folders, Runnable showInspect) {
        this.state = state;
        this.folders = folders;
        getStyleClass().add("page");
        setSpacing(10);
        setPadding(new Insets(12));
        table.setId("runs-table");
        table.getColumns().add(column("Run", RunRow::name));
        table.getColumns().add(column("Interaction", RunRow::interaction));
        table.getColumns().add(column("Tasks", RunRow::tasks));
        table.getColumns().add(column("Status", RunRow::status));
        table.getColumns().add(column("Step", RunRow::step));
        table.getColumns().add(column("Last eval", RunRow::metrics));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> refresh());
        Button open = new Button("Open best checkpoint in Inspect");
        open.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        open.setOnAction(e -> {
            RunRow r = table.getSelectionModel().getSelectedItem();
            Path best = r.dir().resolve("best.params");
            state.openCheckpoint(Files.exists(best) ? best : r.dir().resolve("last.params"), WorkbenchState.Slot.PRIMARY);
            showInspect.run();
        });
        getChildren().addAll(new HBox(10, refresh, open, info), table);
        refresh();
    }

    private static TableColumn<RunRow, String> column(String title, java.util.function.Function<RunRow, String> value) {
        TableColumn<RunRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return c;
    }

    public TableView<RunRow> table() {
        return table;
    }

    public void refresh() {
        Task<List<RunRow>> task = new Task<>() {
            @Override
            protected List<RunRow> call() {
                List<RunRow> rows = new ArrayList<>();
                for (Path folder : folders) {
                    if (!Files.isDirectory(folder)) {
                        continue;
                    }
                    try (Stream<Path> dirs = Files.list(folder)) {
                        dirs.filter(d -> Files.isRegularFile(d.resolve(TrainingRun.RUN_JSON))).sorted().forEach(d -> rows.add(read(d)));
                    } catch (IOException e) {
                        // unreadable folder: nothing to list there
                    }
                }
                return rows;
            }
        };
        task.setOnSucceeded(e -> {
            table.getItems().setAll(task.getValue());
            info.setText(task.getValue().size() + " runs in " + folders);
        });
        state.jobs().onOwnThread(task, "kemwb-runs");
    }

    /** A run folder as a table row; a corrupt run.json becomes a row that says so. */
    static RunRow read(Path dir) {
        try {
            JsonNode json = Json.MAPPER.readTree(dir.resolve(TrainingRun.RUN_JSON).toFile());
            JsonNode model = json.path("config").path("model");
            List<String> tasks = new ArrayList<>();
            model.path("tasks").forEach(t -> tasks.add(t.asText()));
            String metrics = "";
            List<Map<String, String>> rows = TrainingRun.readMetrics(dir);
            for (Map<String, String> r : rows) {
                if ("eval".equals(r.get("kind"))) {
                    StringBuilder sb = new StringBuilder();
                    r.forEach((k, v) -> {
                        if (!v.isEmpty() && TrainingRun.isMetric(k)) {
                            sb.append(k).append(' ').append(v).append("  ");
                        }
                    });
                    metrics = sb.toString().trim();
                }
            }
            return new RunRow(dir, dir.getFileName().toString(), model.path("interaction").asText("?"),
                    String.join(", ", tasks), json.path("status").asText("?"), json.path("step").asText("?"), metrics);
        } catch (IOException | RuntimeException e) {
            return new RunRow(dir, dir.getFileName().toString(), "?", "?", "unreadable: " + WorkbenchState.message(e), "", "");
        }
    }
}
