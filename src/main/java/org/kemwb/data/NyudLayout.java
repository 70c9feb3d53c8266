package org.kemwb.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.kemwb.util.AtomicFiles;

/**
 * Writes synthetic scenes in the NYUD-v2 layout of the public MTL code bases, at NYUD's 480 x 640
 * (height x width): {@code images/ID.jpg}, {@code segmentation/ID.png} with raw labels 0..40
 * (0 = unlabelled), {@code depth/ID.png} 16-bit millimetres (0 = invalid), {@code normals/ID.png}
 * RGB = (n + 1) / 2 * 255 (black = invalid), {@code edge/ID.png}, and {@code gt_sets/train.txt},
 * {@code gt_sets/val.txt}. A scene is rendered square at the width and its middle rows kept.
 * Synthetic classes map to the NYUD class of the same kind (raw label): floor 2, wall 1,
 * sphere 40 otherprop, box 29 box, cylinder 39 otherfurniture, pillar 38 otherstructure.
 */
public final class NyudLayout {
    public static final int HEIGHT = 480;
    public static final int WIDTH = 640;
    /** Raw NYUD label of each synthetic class ({@link SyntheticScenes#CLASSES}). */
    static final int[] RAW_LABEL = {2, 1, 40, 29, 39, 38};

    private NyudLayout() {}

    /** Renders scene {@code index} and writes its files under {@code root} named {@code id}. */
    public static void write(SyntheticScenes scenes, int index, Path root, String id) throws IOException {
        Sample s = scenes.render(index, WIDTH);
        int top = (WIDTH - HEIGHT) / 2;
        int n = WIDTH * WIDTH;
        BufferedImage rgb = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        BufferedImage seg = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage depth = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage normals = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        BufferedImage edges = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = (y + top) * WIDTH + x;
                rgb.setRGB(x, y, (to8(s.rgb()[p]) << 16) | (to8(s.rgb()[n + p]) << 8) | to8(s.rgb()[2 * n + p]));
                int c = s.semseg()[p];
                seg.getRaster().setSample(x, y, 0, c == Sample.IGNORE ? 0 : RAW_LABEL[c]);
                depth.getRaster().setSample(x, y, 0, Math.min(65535, Math.round(s.depth()[p] * 1000)));
                float nx = s.normals()[p];
                float ny = s.normals()[n + p];
                float nz = s.normals()[2 * n + p];
                boolean valid = nx != 0 || ny != 0 || nz != 0;
                normals.setRGB(x, y, valid ? (to8(nx * 0.5f + 0.5f) << 16) | (to8(ny * 0.5f + 0.5f) << 8) | to8(nz * 0.5f + 0.5f) : 0);
                edges.getRaster().setSample(x, y, 0, s.edges()[p] == 1 ? 255 : 0);
            }
        }
        jpeg(rgb, root.resolve("images").resolve(id + ".jpg"));
        png(seg, root.resolve("segmentation").resolve(id + ".png"));
        png(depth, root.resolve("depth").resolve(id + ".png"));
        png(normals, root.resolve("normals").resolve(id + ".png"));
        png(edges, root.resolve("edge").resolve(id + ".png"));
    }

    /** Writes the split lists gt_sets/train.txt and gt_sets/val.txt. */
    public static void writeSplits(Path root, String train, String val) throws IOException {
        AtomicFiles.writeString(root.resolve("gt_sets").resolve("train.txt"), train);
        AtomicFiles.writeString(root.resolve("gt_sets").resolve("val.txt"), val);
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    private static void png(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    private static void jpeg(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (var stream = ImageIO.createImageOutputStream(out)) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.85f);
                writer.setOutput(stream);
                writer.write(null, new IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
        });
    }
}
