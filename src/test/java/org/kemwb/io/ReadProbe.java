package org.kemwb.io;

/** Reads one image and prints the outcome; run in a child JVM as an unprivileged user. */
public final class ReadProbe {
    private ReadProbe() {}

    public static void main(String[] args) {
        try {
            var img = ImageDecoder.read(java.nio.file.Path.of(args[0]));
            System.out.println("OK " + img.width() + "x" + img.height());
        } catch (java.io.IOException e) {
            System.out.println("ERR " + e.getMessage());
        }
    }
}
