package org.kemwb.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Npy;
import org.kemwb.io.Picture;
import org.kemwb.io.Samples;
import org.kemwb.model.Task;

/**
 * A multi-task dataset on disk in the NYUD-v2 layout of the public MTL code bases (and the one
 * {@code kemwb data synth} writes): {@code images/ID.{png,jpg}}, {@code segmentation/ID.png}
 * (class ids, 255 ignore), {@code depth/ID.npy} (metres), {@code normals/ID.npy} (3,H,W or
 * H,W,3), {@code edge/ID.{png,npy}}, {@code sal/ID.png}, {@code parts/ID.png}, and split lists
 * {@code train.txt}/{@code val.txt} (or {@code gt_sets/}). Samples are resized to the model size
 * (labels nearest-neighbour). Problems name the file.
 */
public final class FolderDataset {
    private final Path root;
    private final List<String> ids;
    private final Set<Task> tasks;
    private final int semsegClasses;
    private final int partsClasses;
    /** PASCAL-Context layout of the public MTL code bases (JPEGImages/, semseg/pascal-context/, ...). */
    private final boolean pascal;

    public FolderDataset(Path root, String split, Set<Task> tasks, int semsegClasses, int partsClasses) throws IOException {
        this.root = root;
        this.tasks = tasks;
        this.semsegClasses = semsegClasses;
        this.partsClasses = partsClasses;
        this.pascal = Files.isDirectory(root.resolve("JPEGImages"));
        Path list = pascal ? root.resolve("ImageSets").resolve("Context").resolve(split + ".txt")
                : Files.exists(root.resolve(split + ".txt")) ? root.resolve(split + ".txt") : root.resolve("gt_sets").resolve(split + ".txt");
        if (!Files.isRegularFile(list)) {
            throw new IOException("dataset " + root + ": no split list " + split + ".txt (or gt_sets/" + split
                    + ".txt, or ImageSets/Context/" + split + ".txt for PASCAL-Context)");
        }
        ids = Files.readAllLines(list).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (ids.isEmpty()) {
            throw new IOException("dataset " + root + ": split list " + list + " is empty");
        }
    }

    /**
     * The labels of an image that sits in a dataset folder ({@code root/images/ID.ext} with label
     * folders beside it), at the model size; empty when the image is not part of such a folder.
     */
    public static java.util.Optional<Sample> labelsOf(Path imageFile, Set<Task> tasks, int semsegClasses, int partsClasses, int size)
            throws IOException {
        Path dir = imageFile.toAbsolutePath().getParent();
        if (dir == null || !dir.getFileName().toString().equals("images") || dir.getParent() == null) {
            return java.util.Optional.empty();
        }
        Path root = dir.getParent();
        String name = imageFile.getFileName().toString();
        String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        boolean any = tasks.stream().anyMatch(t -> Files.isDirectory(root.resolve(folder(t))));
        if (!any) {
            return java.util.Optional.empty();
        }
        Set<Task> present = java.util.EnumSet.noneOf(Task.class);
        for (Task t : tasks) {
            if (Files.isDirectory(root.resolve(folder(t)))) {
                present.add(t);
            }
        }
        FolderDataset single = new FolderDataset(root, List.of(id), present, semsegClasses, partsClasses);
        return java.util.Optional.of(single.load(0, size));
    }

    static String folder(Task t) {
        return switch (t) {
            case SEMSEG -> "segmentation";
            case PARTS -> "parts";
            case DEPTH -> "depth";
            case NORMALS -> "normals";
            case EDGES -> "edge";
            case SALIENCY -> "sal";
        };
    }

    private FolderDataset(Path root, List<String> ids, Set<Task> tasks, int semsegClasses, int partsClasses) {
        this.root = root;
        this.ids = ids;
        this.tasks = tasks;
        this.semsegClasses = semsegClasses;
        this.partsClasses = partsClasses;
        this.pascal = Files.isDirectory(root.resolve("JPEGImages"));
    }

    public int size() {
        return ids.size();
    }

    public Sample load(int index, int size) throws IOException {
        String id = ids.get(index);
        Path imageFile = first(root.resolve(pascal ? "JPEGImages" : "images"), id, ".png", ".jpg", ".jpeg");
        Picture img = ImageDecoder.read(imageFile);
        int w = img.width();
        int h = img.height();
        int n = size * size;
        float[] rgb = img.resize(size, size).rgb();
        int[] semseg = new int[n];
        int[] parts = new int[n];
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        byte[] edges = new byte[n];
        byte[] sal = new byte[n];
        java.util.Arrays.fill(semseg, Sample.IGNORE);
        java.util.Arrays.fill(parts, Sample.IGNORE);
        if (tasks.contains(Task.SEMSEG)) {
            semseg = classes(first(dir(Task.SEMSEG), id, ".png"), w, h, size, semsegClasses);
        }
        if (tasks.contains(Task.PARTS)) {
            Path partsDir = dir(Task.PARTS);
            Path png = partsDir.resolve(id + ".png");
            Path mat = partsDir.resolve(id + ".mat");
            if (pascal && !Files.exists(png) && Files.exists(mat)) {
                if (partsClasses < PascalHumanParts.CLASSES) {
                    throw new IOException(mat + ": PASCAL human parts have " + PascalHumanParts.CLASSES
                            + " classes; set model.partsClasses to " + PascalHumanParts.CLASSES);
                }
                parts = nearestLabels(PascalHumanParts.labels(mat, w, h), w, h, size);
            } else if (pascal && !Files.exists(png)) {
                // PASCAL-Context has part annotations only for images with people: no label here.
            } else {
                parts = classes(first(partsDir, id, ".png"), w, h, size, partsClasses);
            }
        }
        if (tasks.contains(Task.DEPTH)) {
            Path f = first(dir(Task.DEPTH), id, ".npy");
            Npy.Array a = Npy.read(f);
            checkShape(f, a.shape(), new long[] {h, w}, new long[] {1, h, w});
            depth = nearest(a.data(), w, h, size, 1);
        }
        if (tasks.contains(Task.NORMALS)) {
            if (pascal) {
                normals = normalsFromPng(first(dir(Task.NORMALS), id, ".png"), w, h, size);
            } else {
                Path f = first(dir(Task.NORMALS), id, ".npy");
                Npy.Array a = Npy.read(f);
                checkShape(f, a.shape(), new long[] {3, h, w}, new long[] {h, w, 3});
                float[] planar = a.shape()[0] == 3 ? a.data() : toPlanar(a.data(), w, h);
                normals = nearest(planar, w, h, size, 3);
            }
        }
        if (tasks.contains(Task.EDGES)) {
            edges = binary(first(dir(Task.EDGES), id, ".png"), w, h, size);
        }
        if (tasks.contains(Task.SALIENCY)) {
            sal = binary(first(dir(Task.SALIENCY), id, ".png"), w, h, size);
        }
        return new Sample(size, rgb, semseg, depth, normals, edges, sal, parts);
    }

    /** Folder of a task's labels in this dataset's layout. */
    private Path dir(Task t) {
        if (!pascal) {
            return root.resolve(folder(t));
        }
        return switch (t) {
            case SEMSEG -> root.resolve("semseg").resolve("pascal-context");
            case PARTS -> root.resolve("human_parts");
            case NORMALS -> root.resolve("normals_distill");
            case SALIENCY -> root.resolve("sal_distill");
            case EDGES -> root.resolve("edge");
            case DEPTH -> root.resolve("depth");
        };
    }

    /** PASCAL-Context distilled normals: RGB = (n + 1) / 2 * 255; black = no label. */
    private static float[] normalsFromPng(Path f, int w, int h, int size) throws IOException {
        Samples r = samples(f, w, h);
        float[] out = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int sx = x * w / size;
                int sy = y * h / size;
                int red = r.value(0, sx, sy);
                int green = r.value(1, sx, sy);
                int blue = r.value(2, sx, sy);
                if (red == 0 && green == 0 && blue == 0) {
                    continue;
                }
                double nx = red / 255.0 * 2 - 1;
                double ny = green / 255.0 * 2 - 1;
                double nz = blue / 255.0 * 2 - 1;
                double len = Math.max(1e-9, Math.sqrt(nx * nx + ny * ny + nz * nz));
                int p = y * size + x;
                out[p] = (float) (nx / len);
                out[size * size + p] = (float) (ny / len);
                out[2 * size * size + p] = (float) (nz / len);
            }
        }
        return out;
    }

    private static Path first(Path dir, String id, String... exts) throws IOException {
        for (String e : exts) {
            Path p = dir.resolve(id + e);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("dataset: missing label file " + dir.resolve(id + exts[0]));
    }

    private static void checkShape(Path f, long[] shape, long[]... allowed) throws IOException {
        for (long[] a : allowed) {
            if (java.util.Arrays.equals(shape, a)) {
                return;
            }
        }
        throw new IOException(f + ": shape " + java.util.Arrays.toString(shape) + " does not match the image (expected "
                + java.util.Arrays.toString(allowed[0]) + ")");
    }

    private static Samples samples(Path f, int w, int h) throws IOException {
        Samples img = ImageDecoder.readSamples(f);
        if (img.width() != w || img.height() != h) {
            throw new IOException(f + ": size " + img.width() + "x" + img.height() + " differs from the image " + w + "x" + h);
        }
        return img;
    }

    private static int[] classes(Path f, int w, int h, int size, int classes) throws IOException {
        Samples r = samples(f, w, h);
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = r.value(0, x * w / size, y * h / size);
                if (v != 255 && (v < 0 || v >= classes)) {
                    throw new IOException(f + ": label " + v + " at (" + x * w / size + ", " + y * h / size
                            + ") is out of range [0, " + classes + ") and not 255");
                }
                out[y * size + x] = v;
            }
        }
        return out;
    }

    private static int[] nearestLabels(int[] labels, int w, int h, int size) {
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = labels[(y * h / size) * w + x * w / size];
            }
        }
        return out;
    }

    private static byte[] binary(Path f, int w, int h, int size) throws IOException {
        Samples r = samples(f, w, h);
        int half = ((1 << r.bitDepth()) - 1) / 2;
        byte[] out = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = (byte) (r.value(0, x * w / size, y * h / size) > half ? 1 : 0);
            }
        }
        return out;
    }

    private static float[] nearest(float[] planar, int w, int h, int size, int channels) {
        float[] out = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    out[c * size * size + y * size + x] = planar[c * w * h + (y * h / size) * w + x * w / size];
                }
            }
        }
        return out;
    }

    private static float[] toPlanar(float[] hwc, int w, int h) {
        float[] out = new float[hwc.length];
        for (int p = 0; p < w * h; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * w * h + p] = hwc[p * 3 + c];
            }
        }
        return out;
    }

    public List<Sample> loadAll(int size) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add(load(i, size));
        }
        return out;
    }
}
