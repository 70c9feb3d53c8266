package org.kemwb.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.prefs.Preferences;

/** File dialogs open in the folder the user last used (kept in preferences), else in samples/. */
final class Folders {
    private static final Preferences PREFS = Preferences.userNodeForPackage(Folders.class);
    private static final String KEY = "lastFolder";

    private Folders() {}

    /** The folder a dialog starts in: the last one used if it still exists, else samples/, else the working folder. */
    static File initial() {
        String last = PREFS.get(KEY, null);
        if (last != null && Files.isDirectory(Path.of(last))) {
            return new File(last);
        }
        Path samples = WorkbenchApp.samples().toAbsolutePath();
        return Files.isDirectory(samples) ? samples.toFile() : new File(System.getProperty("user.dir"));
    }

    /** Remembers the folder of a chosen file (or the chosen folder itself). */
    static void remember(File chosen) {
        if (chosen == null) {
            return;
        }
        File dir = chosen.isDirectory() ? chosen : chosen.getAbsoluteFile().getParentFile();
        if (dir != null) {
            PREFS.put(KEY, dir.getAbsolutePath());
        }
    }

    static javafx.stage.FileChooser fileChooser(String title) {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle(title);
        fc.setInitialDirectory(initial());
        return fc;
    }

    static javafx.stage.DirectoryChooser directoryChooser(String title) {
        javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
        dc.setTitle(title);
        dc.setInitialDirectory(initial());
        return dc;
    }
}
