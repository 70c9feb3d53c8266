package org.kemwb.ui;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PopOver;

/**
 * The status bar's jobs area: the newest user job's title and progress (step / total, time
 * left), a Cancel for it, and a "Jobs (n)" button opening a list of every running and queued
 * user job, each with its own progress and Cancel. When idle the area shows nothing that moves:
 * the progress bar is hidden (an indeterminate bar animates every frame).
 */
public final class JobsBar extends HBox {
    private final JobCenter center;
    private final Label title = new Label();
    private final ProgressBar progress = new ProgressBar(0);
    private final Button cancel = new Button("Cancel");
    private final Button list = new Button("Jobs");
    private final VBox rows = new VBox(6);
    private PopOver popOver;
    private JobCenter.Entry shown;

    public JobsBar(JobCenter center) {
        super(6);
        this.center = center;
        setId("jobs-bar");
        setAlignment(Pos.CENTER_RIGHT);
        title.setId("jobs-title");
        title.setMinWidth(0);
        title.setMaxWidth(320);
        HBox.setHgrow(title, Priority.SOMETIMES);
        progress.setId("jobs-progress");
        progress.setPrefWidth(120);
        cancel.setId("jobs-cancel");
        cancel.setOnAction(e -> center.cancelNewestUserJob());
        list.setId("jobs-list-button");
        list.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        list.setOnAction(e -> togglePopOver());
        rows.setId("jobs-list");
        rows.setPadding(new javafx.geometry.Insets(10));
        rows.setMinWidth(340);
        getChildren().addAll(title, progress, cancel, list);
        center.userJobs().addListener((ListChangeListener<JobCenter.Entry>) c -> update());
        update();
    }

    /** Newest user job (shown in the bar), or null when idle. */
    JobCenter.Entry shown() {
        return shown;
    }

    private void update() {
        var jobs = center.userJobs();
        JobCenter.Entry newest = jobs.isEmpty() ? null : jobs.getLast();
        if (newest != shown) {
            shown = newest;
            title.textProperty().unbind();
            progress.progressProperty().unbind();
            if (newest == null) {
                title.setText("");
                progress.setProgress(0);
            } else {
                title.textProperty().bind(javafx.beans.binding.Bindings.concat(newest.title(), "  ", newest.detailProperty()));
                progress.progressProperty().bind(javafx.beans.binding.Bindings.when(newest.queuedProperty()).then(0.0)
                        .otherwise(newest.task().progressProperty()));
            }
        }
        boolean idle = newest == null;
        for (var n : new javafx.scene.Node[] {progress, cancel}) {
            n.setVisible(!idle);
            n.setManaged(!idle);
        }
        list.setText(jobs.isEmpty() ? "Jobs" : "Jobs (" + jobs.size() + ")");
        rebuildList();
    }

    private void rebuildList() {
        rows.getChildren().clear();
        var jobs = center.userJobs();
        if (jobs.isEmpty()) {
            rows.getChildren().add(new Label("No jobs running or queued."));
            return;
        }
        int i = 0;
        for (JobCenter.Entry e : jobs) {
            Label name = new Label(e.title());
            name.setStyle("-fx-font-weight: bold");
            Label detail = new Label();
            detail.textProperty().bind(e.detailProperty());
            detail.setId("job-detail-" + i);
            ProgressBar bar = new ProgressBar();
            bar.setPrefWidth(200);
            // a queued job shows an empty, still bar
            bar.progressProperty().bind(javafx.beans.binding.Bindings.when(e.queuedProperty()).then(0.0)
                    .otherwise(e.task().progressProperty()));
            Button stop = new Button("Cancel");
            stop.setId("job-cancel-" + i);
            stop.setOnAction(ev -> e.cancel());
            HBox line = new HBox(8, bar, stop);
            line.setAlignment(Pos.CENTER_LEFT);
            VBox item = new VBox(2, name, detail, line);
            item.setId("job-" + i);
            rows.getChildren().add(item);
            i++;
        }
    }

    private void togglePopOver() {
        if (popOver != null && popOver.isShowing()) {
            popOver.hide();
            return;
        }
        if (popOver == null) {
            popOver = new PopOver(rows);
            popOver.setArrowLocation(PopOver.ArrowLocation.BOTTOM_RIGHT);
            popOver.setDetachable(false);
            popOver.setTitle("Jobs");
        }
        popOver.show(list);
    }

    /** The list shown by the Jobs button (tests). */
    VBox listContent() {
        return rows;
    }
}
