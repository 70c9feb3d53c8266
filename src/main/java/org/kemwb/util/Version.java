package org.kemwb.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The workbench's version, as pom.xml gives it: the resource {@code org/kemwb/version.properties},
 * which Maven's resource filtering writes at build time (so tests, the jar and the installed app
 * all carry it). Recorded in run.json and printed by {@code kemwb --version}.
 */
public final class Version {
    private static final String RESOURCE = "/org/kemwb/version.properties";
    private static final String VERSION = read();

    private Version() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; "unknown" when the build did not write the resource. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").trim();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a jar that cannot be read has bigger problems than its version
        }
        String manifest = Version.class.getPackage().getImplementationVersion();
        return manifest == null ? "unknown" : manifest;
    }
}
