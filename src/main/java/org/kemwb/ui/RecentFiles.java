package org.kemwb.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** The last files the user opened (images and models), newest first, kept in user preferences. */
final class RecentFiles {
    static final int MAX = 10;
    private static final Preferences PREFS = Preferences.userNodeForPackage(RecentFiles.class).node("recent");

    private RecentFiles() {}

    static List<String> list() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String v = PREFS.get("f" + i, null);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    static void add(Path file) {
        String path = file.toAbsolutePath().toString();
        List<String> files = list();
        files.remove(path);
        files.addFirst(path);
        for (int i = 0; i < MAX; i++) {
            if (i < files.size()) {
                PREFS.put("f" + i, files.get(i));
            } else {
                PREFS.remove("f" + i);
            }
        }
    }
}
