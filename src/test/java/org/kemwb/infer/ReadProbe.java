package org.kemwb.infer;

/** Reads one image and prints the outcome; run in a child JVM as an unprivileged user. */
public final class ReadProbe {
    private ReadProbe() {}

    public static void main(String[] args) {
        try {
            var img = ImageInput.read(java.nio.file.Path.of(args[0]));
            System.out.println("OK " + img.getWidth() + "x" + img.getHeight());
        } catch (java.io.IOException e) {
            System.out.println("ERR " + e.getMessage());
        }
    }
}
