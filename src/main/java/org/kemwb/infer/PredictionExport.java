package org.kemwb.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kemwb.model.Task;

/**
 * Writes a prediction as files named after its image, at the image's own size:
 * {@code <stem>_<task>.png} (colour-mapped) and {@code <stem>_<task>.npy} per task, where the
 * .npy holds
 * <ul>
 *   <li>semseg, parts: the class map (H, W), uint8 (int32 above 256 classes);</li>
 *   <li>depth: (1, H, W) float32 metres; normals: (3, H, W) float32 unit vectors;</li>
 *   <li>edges, saliency: (1, H, W) float32 probabilities.</li>
 * </ul>
 * Every file is written atomically (a temp file renamed).
 */
public final class PredictionExport {
    private PredictionExport() {}

    /** File name of an image without its last extension ("photo.jpg" -> "photo"). */
    public static String stem(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * One stem per image, in order, never the same twice: an image whose stem was already taken
     * gets the first free {@code -2}, {@code -3}, ... ("a/photo.png", "b/photo.png" -> "photo",
     * "photo-2"), so exports of several images never overwrite each other.
     */
    public static List<String> uniqueStems(List<Path> images) {
        Set<String> used = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Path image : images) {
            String stem = stem(image);
            String candidate = stem;
            for (int n = 2; used.contains(candidate); n++) {
                candidate = stem + "-" + n;
            }
            used.add(candidate);
            out.add(candidate);
        }
        return out;
    }

    /** Writes every task of {@code p} into {@code dir} (created if missing); returns the files written. */
    public static List<Path> write(Prediction p, Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        int h = p.height();
        int w = p.width();
        List<Path> written = new ArrayList<>();
        for (int t = 0; t < p.tasks().size(); t++) {
            Task task = p.tasks().get(t);
            float[] data = p.outputs().get(t);
            int channels = p.channels(t);
            Path png = dir.resolve(stem + "_" + task.id() + ".png");
            Path npy = dir.resolve(stem + "_" + task.id() + ".npy");
            OutputImages.writePng(OutputImages.render(task, data, channels, h, w), png);
            switch (task) {
                case SEMSEG, PARTS -> OutputImages.writeClassNpy(p.classMap(t), channels, h, w, npy);
                case EDGES, SALIENCY -> {
                    float[] prob = new float[data.length];
                    for (int i = 0; i < prob.length; i++) {
                        prob[i] = (float) (1 / (1 + Math.exp(-data[i])));
                    }
                    OutputImages.writeNpy(prob, new long[] {channels, h, w}, npy);
                }
                default -> OutputImages.writeNpy(data, new long[] {channels, h, w}, npy);
            }
            written.add(png);
            written.add(npy);
        }
        return written;
    }
}
