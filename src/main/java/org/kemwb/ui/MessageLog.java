package org.kemwb.ui;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The status bar's message area: the latest error on one line (shortened with an ellipsis when
 * the window is narrow, full text in its tooltip, so it never pushes other controls away) and a
 * "Messages (n)" button that opens the log of every error of the session.
 */
final class MessageLog extends HBox {
    private final WorkbenchState state;
    private final Label last = Layouts.elidable(new Label());
    private Stage window;
    private ListView<WorkbenchState.Message> list;

    MessageLog(WorkbenchState state) {
        this.state = state;
        setSpacing(8);
        setAlignment(Pos.CENTER_LEFT);
        setMinWidth(0);
        last.setId("last-message");
        last.setMnemonicParsing(false);
        last.getStyleClass().add("validation");
        last.textProperty().bind(Bindings.createStringBinding(() -> state.errorProperty().get() == null ? ""
                : "⚠ " + state.errorProperty().get(), state.errorProperty()));
        HBox.setHgrow(last, Priority.ALWAYS);
        // asks for at most 300 px, so the job text and the controls to the right keep their room
        last.textProperty().addListener((o, a, b) -> {
            javafx.scene.text.Text probe = new javafx.scene.text.Text(b);
            probe.setFont(last.getFont());
            last.setPrefWidth(b == null || b.isEmpty() ? 0 : Math.min(300, Math.ceil(probe.getLayoutBounds().getWidth()) + 12));
        });
        Button open = new Button();
        open.setId("messages-button");
        open.textProperty().bind(Bindings.size(state.messages()).asString("Messages (%d)"));
        open.setMinWidth(USE_PREF_SIZE);
        open.setOnAction(e -> show());
        getChildren().addAll(open, last);
    }

    /** Opens (or brings to front) the window listing every message, with Copy and Clear. */
    void show() {
        if (window == null) {
            list = new ListView<>(state.messages());
            list.setId("message-list");
            list.setCellFactory(v -> new ListCell<>() {
                @Override
                protected void updateItem(WorkbenchState.Message item, boolean empty) {
                    super.updateItem(item, empty);
                    setMnemonicParsing(false);
                    setWrapText(true);
                    setPrefWidth(0);
                    setText(empty || item == null ? null : item.toString());
                }
            });
            Button copy = new Button("Copy all");
            copy.setOnAction(e -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(String.join("\n", state.messages().stream().map(Object::toString).toList()));
                Clipboard.getSystemClipboard().setContent(c);
            });
            Button clear = new Button("Clear");
            clear.setOnAction(e -> state.messages().clear());
            // a window manager's title bar is not always there (remote desktops, kiosks, Xvfb): Close and Esc
            Button close = new Button("Close");
            close.setId("messages-close");
            close.setCancelButton(true);
            close.setOnAction(e -> window.hide());
            VBox box = new VBox(8, list, Layouts.row(copy, clear, close));
            box.setPadding(new Insets(10));
            VBox.setVgrow(list, Priority.ALWAYS);
            window = new Stage();
            window.setTitle("Messages");
            if (getScene() != null) {
                window.initOwner(getScene().getWindow());
            }
            Scene scene = new Scene(box, 640, 320);
            if (getScene() != null) {
                scene.getStylesheets().addAll(getScene().getStylesheets());
            }
            window.setScene(scene);
        }
        window.show();
        window.toFront();
        if (!state.messages().isEmpty()) {
            list.scrollTo(state.messages().size() - 1);
        }
    }

    /** The log window's list, once opened (tests). */
    ListView<WorkbenchState.Message> list() {
        return list;
    }
}
