package org.kemwb.infer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.card.ModelCard;
import org.kemwb.io.Picture;

/**
 * Pictures and files of a {@link CardPrediction}: one colour image per task (class colours of
 * the card, Turbo depth, normals as RGB, grey edges/saliency) and per-task attention heatmaps
 * over the photo. Used by {@code kemwb infer} and the GUI.
 */
public final class CardOutputs {
    private CardOutputs() {}

    /** Colour image of one task at the photo's size. */
    public static BufferedImage render(CardPrediction.TaskMap t, int width, int height) {
        int n = width * height;
        float[] v = t.values();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        switch (t.spec().kind()) {
            case SEGMENTATION -> {
                List<ModelCard.SegClass> classes = t.spec().classes();
                for (int p = 0; p < n; p++) {
                    rgb[p] = classes.get(t.classMap()[p]).colour();
                }
            }
            case DEPTH -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < n; p++) {
                    lo = Math.min(lo, v[p]);
                    hi = Math.max(hi, v[p]);
                }
                for (int p = 0; p < n; p++) {
                    rgb[p] = OutputImages.turbo((v[p] - lo) / Math.max(1e-6f, hi - lo));
                }
            }
            case NORMALS -> {
                for (int p = 0; p < n; p++) {
                    rgb[p] = (OutputImages.to8(v[p] * 0.5f + 0.5f) << 16) | (OutputImages.to8(v[n + p] * 0.5f + 0.5f) << 8)
                            | OutputImages.to8(v[2 * n + p] * 0.5f + 0.5f);
                }
            }
            case EDGES, SALIENCY -> {
                for (int p = 0; p < n; p++) {
                    int g = OutputImages.to8(v[p]);
                    rgb[p] = (g << 16) | (g << 8) | g;
                }
            }
        }
        img.setRGB(0, 0, width, height, rgb, 0, width);
        return img;
    }

    /**
     * A heatmap (height x width, any range) over the photo: the photo darkened to 40% plus 60% of
     * the Turbo colour of the value scaled to [min, max].
     */
    public static BufferedImage overlay(BufferedImage photo, float[] heat) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float x : heat) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return overlay(photo, heat, lo, hi);
    }

    /** As {@link #overlay(BufferedImage, float[])} with the Turbo scale fixed to [lo, hi] (several maps sharing one colour bar). */
    public static BufferedImage overlay(BufferedImage photo, float[] heat, float lo, float hi) {
        int w = photo.getWidth();
        int h = photo.getHeight();
        int[] base = photo.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[w * h];
        for (int p = 0; p < out.length; p++) {
            int c = OutputImages.turbo(Math.clamp((heat[p] - lo) / Math.max(1e-12f, hi - lo), 0f, 1f));
            int r = (int) (((base[p] >> 16) & 0xff) * 0.4 + ((c >> 16) & 0xff) * 0.6);
            int g = (int) (((base[p] >> 8) & 0xff) * 0.4 + ((c >> 8) & 0xff) * 0.6);
            int b = (int) ((base[p] & 0xff) * 0.4 + (c & 0xff) * 0.6);
            out[p] = (r << 16) | (g << 8) | b;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, out, 0, w);
        return img;
    }

    /**
     * The query token a picture of attention {@code a} starts from for row group {@code g}: the
     * group's centre cell.
     */
    public static int centreRow(CardPrediction.AttentionMap a, int g) {
        ModelCard.TokenGroup grp = a.spec().rows().groups().get(g);
        return a.row(g, grp.height() / 2, grp.width() / 2);
    }

    /**
     * Writes everything to {@code dir}: per task {@code <task>.png} and {@code <task>.npy}
     * (segmentation: class map (H, W) int32; depth (H, W) metres; normals (3, H, W); edges and
     * saliency (H, W) probabilities), each file name starting with {@code <stem>_} (the image's name,
     * so that several images never overwrite each other); per attention output {@code <name>.npy} (R, C, heads
     * averaged) and, per row group and column group, {@code <name>_<rows>_on_<columns>.png}: the
     * attention of the row group's centre token over the column group's tokens, over the photo.
     *
     * @return the files written
     */
    public static List<Path> write(CardPrediction p, Picture picture, Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        BufferedImage photo = picture.toBufferedImage();
        List<Path> files = new ArrayList<>();
        int w = p.width();
        int h = p.height();
        for (CardPrediction.TaskMap t : p.tasks()) {
            String name = stem + "_" + t.spec().name();
            Path png = dir.resolve(name + ".png");
            Path npy = dir.resolve(name + ".npy");
            OutputImages.writePng(render(t, w, h), png);
            if (t.classMap() != null) {
                OutputImages.writeNpy(t.classMap(), new long[] {h, w}, npy);
            } else if (t.channels() == 1) {
                OutputImages.writeNpy(t.values(), new long[] {h, w}, npy);
            } else {
                OutputImages.writeNpy(t.values(), new long[] {t.channels(), h, w}, npy);
            }
            files.add(png);
            files.add(npy);
        }
        for (CardPrediction.AttentionMap a : p.attention()) {
            Path npy = dir.resolve(stem + "_" + a.spec().name() + ".npy");
            OutputImages.writeNpy(a.weights(), new long[] {a.rows(), a.columns()}, npy);
            files.add(npy);
            List<ModelCard.TokenGroup> rows = a.spec().rows().groups();
            List<ModelCard.TokenGroup> cols = a.spec().columns().groups();
            for (int rg = 0; rg < rows.size(); rg++) {
                int row = centreRow(a, rg);
                for (int cg = 0; cg < cols.size(); cg++) {
                    ModelCard.TokenGroup c = cols.get(cg);
                    float[] heat = p.heatmapOnPhoto(a.grid(row, cg), c);
                    String label = groupLabel(rows, rg) + "_on_" + groupLabel(cols, cg);
                    Path png = dir.resolve(stem + "_" + a.spec().name() + "_" + label + ".png");
                    OutputImages.writePng(overlay(photo, heat), png);
                    files.add(png);
                }
            }
        }
        return files;
    }

    /** A group's name in file names: its task, or "image" (numbered when several share it). */
    static String groupLabel(List<ModelCard.TokenGroup> groups, int g) {
        String label = groups.get(g).label();
        long same = groups.stream().filter(x -> x.label().equals(label)).count();
        return same > 1 ? label + g : label;
    }
}
