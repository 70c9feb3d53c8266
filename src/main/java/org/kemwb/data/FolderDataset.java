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
 * A multi-task dataset on disk, in one of three layouts (problems name the file):
 * <ul>
 * <li>the workbench's own ({@code kemwb data synth}): {@code images/ID.{png,jpg}},
 * {@code segmentation/ID.png} and {@code parts/ID.png} (class ids 0..C-1, 255 ignore), split lists
 * {@code train.txt}/{@code val.txt} at the root;</li>
 * <li>NYUD-v2 as the public MTL code bases (Multi-Task-Learning-PyTorch, InvPT) lay it out,
 * recognised by its split lists in {@code gt_sets/}: {@code segmentation/ID.png} holds the raw
 * labels 0..40, read as 0 -> 255 (ignored), c -> c-1 (40 classes, names in {@link ClassNames});</li>
 * <li>PASCAL-Context of the same code bases, recognised by {@code JPEGImages/}:
 * {@code semseg/pascal-context/}, {@code human_parts/ID.mat} (PASCAL-Part), {@code sal_distill/},
 * {@code normals_distill/} (RGB PNG), split lists in {@code ImageSets/Context/}.</li>
 * </ul>
 * In every layout: depth {@code depth/ID.npy} in metres or {@code depth/ID.png} 16-bit in
 * millimetres (0 = invalid); normals {@code normals/ID.npy} (3,H,W or H,W,3; all-zero = invalid)
 * or an RGB PNG; edges and saliency {@code .png} or {@code .npy}. Labels are read at the image's
 * own resolution ({@link #labels}); {@link #loadNative} gives the sample at that size (training crops
 * it, {@code train.Augment}); {@link #load} resizes to a square size (labels nearest).
 */
public final class FolderDataset {
    private final Path root;
    private final List<String> ids;
    private final Set<Task> tasks;
    private final int semsegClasses;
    private final int partsClasses;
    /** PASCAL-Context layout of the public MTL code bases (JPEGImages/, semseg/pascal-context/, ...). */
    private final boolean pascal;
    /** NYUD-v2 as the public MTL code bases lay it out (split lists in gt_sets/): raw labels 0..40. */
    private final boolean nyud;

    /** Classes of NYUD-v2 semantic segmentation (raw labels 1..40; 0 is unlabelled). */
    public static final int NYUD_CLASSES = 40;

    /**
     * Labels of one image at its own resolution, row-major (H, W); normals planar (3, H, W).
     * A task without labels is null. Conventions as {@link Sample}: 255 = ignore, 0 = invalid depth/normal.
     */
    public record Labels(int width, int height, int[] semseg, float[] depth, float[] normals, byte[] edges, byte[] saliency,
            int[] parts) {}

    public FolderDataset(Path root, String split, Set<Task> tasks, int semsegClasses, int partsClasses) throws IOException {
        this.root = root;
        this.tasks = tasks;
        this.semsegClasses = semsegClasses;
        this.partsClasses = partsClasses;
        this.pascal = Files.isDirectory(root.resolve("JPEGImages"));
        this.nyud = !pascal && Files.isDirectory(root.resolve("gt_sets"));
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
     * The ground truth of an image in a dataset folder, read task by task: a task whose labels cannot be
     * used (a missing or malformed label file, a class count the model does not have) is left out with a
     * one-line reason, and the other tasks are kept.
     *
     * @param sample labels at the image's own size (width x height as displayed); a task not in
     *     {@code labelled} is filled with "no label" (255, or 0 for depth and normals), as {@link #loadNative}
     * @param labelled the tasks whose labels were read
     * @param problems one line per task left out: the task, the file and what is wrong
     */
    public record Truth(Sample sample, Set<Task> labelled, List<String> problems) {}

    /**
     * {@link Truth} of an image that sits in a dataset folder ({@code root/images/ID.ext} with label
     * folders beside it), for a model with {@code tasks}, {@code semsegClasses} and {@code partsClasses};
     * empty when the image is not part of such a folder. Only reading the image itself fails.
     *
     * @throws IOException when the image cannot be read
     */
    public static java.util.Optional<Truth> truthOf(Path imageFile, Set<Task> tasks, int semsegClasses, int partsClasses)
            throws IOException {
        java.util.Optional<FolderDataset> single = single(imageFile, tasks, semsegClasses, partsClasses);
        if (single.isEmpty()) {
            return java.util.Optional.empty();
        }
        FolderDataset d = single.get();
        String id = d.ids.get(0);
        Picture img = ImageDecoder.read(d.imageFile(id));
        int w = img.width();
        int h = img.height();
        int n = w * h;
        Set<Task> labelled = java.util.EnumSet.noneOf(Task.class);
        List<String> problems = new ArrayList<>();
        int[] semseg = filled(n, Sample.IGNORE);
        int[] parts = filled(n, Sample.IGNORE);
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        byte[] edges = ignored(n);
        byte[] sal = ignored(n);
        for (Task t : d.tasks) {
            if (t == Task.SEMSEG && d.nyud && semsegClasses != NYUD_CLASSES) {
                problems.add("semseg ground truth not shown: the model predicts " + semsegClasses + " classes, the NYUD-v2 dataset "
                        + d.root + " has " + NYUD_CLASSES);
                continue;
            }
            Labels l;
            try {
                l = d.labels(id, w, h, java.util.EnumSet.of(t));
            } catch (IOException e) {
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                problems.add(t.id() + " ground truth not shown: " + m);
                continue;
            }
            switch (t) {
                case SEMSEG -> semseg = l.semseg();
                case PARTS -> parts = l.parts() == null ? parts : l.parts();
                case DEPTH -> depth = l.depth();
                case NORMALS -> normals = l.normals();
                case EDGES -> edges = l.edges();
                case SALIENCY -> sal = l.saliency();
            }
            if (t != Task.PARTS || l.parts() != null) {
                labelled.add(t); // PASCAL-Context images without a person have no part labels: nothing to show, nothing wrong
            }
        }
        return java.util.Optional.of(new Truth(new Sample(w, h, img.rgb(), semseg, depth, normals, edges, sal, parts),
                java.util.Collections.unmodifiableSet(labelled), List.copyOf(problems)));
    }

    /** The one-image dataset of an image in a dataset folder, with the label folders present. */
    private static java.util.Optional<FolderDataset> single(Path imageFile, Set<Task> tasks, int semsegClasses, int partsClasses) {
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
        return java.util.Optional.of(new FolderDataset(root, List.of(id), present, semsegClasses, partsClasses));
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
        this.nyud = !pascal && Files.isDirectory(root.resolve("gt_sets"));
    }

    public int size() {
        return ids.size();
    }

    /**
     * The labels of sample {@code index} at the image's own resolution (width x height as the
     * image is displayed), in the workbench's conventions: class ids 0..C-1 with 255 = ignore
     * (raw NYUD-v2 labels are shifted: 0 -> 255, c -> c-1), depth in metres with 0 = invalid,
     * normals planar (3, H, W) with all-zero = invalid, edges and saliency 0/1. A task not
     * asked for, or without an annotation for this image (PASCAL parts without a person), is
     * null.
     */
    public Labels labels(int index) throws IOException {
        String id = ids.get(index);
        ImageDecoder.Size dims = ImageDecoder.size(imageFile(id));
        return labels(id, dims.width(), dims.height());
    }

    private Path imageFile(String id) throws IOException {
        return first("image", root.resolve(pascal ? "JPEGImages" : "images"), id, ".png", ".jpg", ".jpeg");
    }

    private Labels labels(String id, int w, int h) throws IOException {
        return labels(id, w, h, tasks);
    }

    /** The labels of the tasks in {@code which} (a subset of this dataset's tasks); the others are null. */
    private Labels labels(String id, int w, int h, Set<Task> which) throws IOException {
        int[] semseg = null;
        int[] parts = null;
        float[] depth = null;
        float[] normals = null;
        byte[] edges = null;
        byte[] sal = null;
        if (which.contains(Task.SEMSEG)) {
            Path f = first("label file", dir(Task.SEMSEG), id, ".png");
            if (nyud && semsegClasses != NYUD_CLASSES) {
                throw new IOException(f + ": NYUD-v2 has " + NYUD_CLASSES + " classes; set model.semsegClasses to " + NYUD_CLASSES);
            }
            semseg = nyud ? nyudClasses(f, w, h) : classes(f, w, h, semsegClasses);
        }
        if (which.contains(Task.PARTS)) {
            Path partsDir = dir(Task.PARTS);
            Path png = partsDir.resolve(id + ".png");
            Path mat = partsDir.resolve(id + ".mat");
            if (pascal && !Files.exists(png) && Files.exists(mat)) {
                if (partsClasses < PascalHumanParts.CLASSES) {
                    throw new IOException(mat + ": PASCAL human parts have " + PascalHumanParts.CLASSES
                            + " classes; set model.partsClasses to " + PascalHumanParts.CLASSES);
                }
                parts = PascalHumanParts.labels(mat, w, h);
            } else if (pascal && !Files.exists(png)) {
                // PASCAL-Context has part annotations only for images with people: no label here.
            } else {
                parts = classes(first("label file", partsDir, id, ".png"), w, h, partsClasses);
            }
        }
        if (which.contains(Task.DEPTH)) {
            Path f = first("label file", dir(Task.DEPTH), id, ".npy", ".png");
            depth = f.toString().endsWith(".npy") ? depthNpy(f, w, h) : depthPng(f, w, h);
        }
        if (which.contains(Task.NORMALS)) {
            Path f = first("label file", dir(Task.NORMALS), id, ".npy", ".png");
            normals = f.toString().endsWith(".png") ? normalsFromPng(f, w, h) : normalsNpy(f, w, h);
        }
        if (which.contains(Task.EDGES)) {
            Path f = first("label file", dir(Task.EDGES), id, ".png", ".npy");
            edges = f.toString().endsWith(".npy") ? binaryNpy(f, w, h) : binary(f, w, h);
        }
        if (which.contains(Task.SALIENCY)) {
            Path f = first("label file", dir(Task.SALIENCY), id, ".png", ".npy");
            sal = f.toString().endsWith(".npy") ? binaryNpy(f, w, h) : binary(f, w, h);
        }
        return new Labels(w, h, semseg, depth, normals, edges, sal, parts);
    }

    /**
     * Sample {@code index} resized to the model size (image: Pillow-style bilinear; labels: nearest);
     * a task without labels is filled as in {@link #loadNative}.
     */
    public Sample load(int index, int size) throws IOException {
        String id = ids.get(index);
        Picture img = ImageDecoder.read(imageFile(id));
        int w = img.width();
        int h = img.height();
        int n = size * size;
        float[] rgb = img.resize(size, size).rgb();
        Labels l = labels(id, w, h);
        int[] semseg = l.semseg() == null ? filled(n, Sample.IGNORE) : nearestLabels(l.semseg(), w, h, size);
        int[] parts = l.parts() == null ? filled(n, Sample.IGNORE) : nearestLabels(l.parts(), w, h, size);
        float[] depth = l.depth() == null ? new float[n] : nearest(l.depth(), w, h, size, 1);
        float[] normals = l.normals() == null ? new float[3 * n] : nearest(l.normals(), w, h, size, 3);
        // a task without labels is "no label" (255), never "no edge" / "background" (0)
        byte[] edges = l.edges() == null ? ignored(n) : nearestBytes(l.edges(), w, h, size);
        byte[] sal = l.saliency() == null ? ignored(n) : nearestBytes(l.saliency(), w, h, size);
        return new Sample(size, rgb, semseg, depth, normals, edges, sal, parts);
    }

    /**
     * Sample {@code index} at the image's own size (width x height as displayed), labels as
     * {@link #labels}; a task without labels is filled with "no label" (255, or 0 for depth and
     * normals). Training crops this with {@code train.Augment}.
     */
    public Sample loadNative(int index) throws IOException {
        String id = ids.get(index);
        Picture img = ImageDecoder.read(imageFile(id));
        int w = img.width();
        int h = img.height();
        int n = w * h;
        Labels l = labels(id, w, h);
        byte[] noLabel = ignored(n);
        return new Sample(w, h, img.rgb(),
                l.semseg() == null ? filled(n, Sample.IGNORE) : l.semseg(),
                l.depth() == null ? new float[n] : l.depth(),
                l.normals() == null ? new float[3 * n] : l.normals(),
                l.edges() == null ? noLabel : l.edges(),
                l.saliency() == null ? noLabel.clone() : l.saliency(),
                l.parts() == null ? filled(n, Sample.IGNORE) : l.parts());
    }

    private static byte[] ignored(int n) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, (byte) Sample.IGNORE);
        return a;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
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

    /** Distilled normals PNG (PASCAL-Context, MTL code bases): RGB = (n + 1) / 2 * 255, renormalised; black = no label. */
    private static float[] normalsFromPng(Path f, int w, int h) throws IOException {
        Samples r = samples(f, w, h);
        if (r.bands() < 3) {
            throw new IOException(f + ": a normals PNG needs 3 colour channels, this one has " + r.bands());
        }
        double max = (1 << r.bitDepth()) - 1;
        int n = w * h;
        float[] out = new float[3 * n];
        for (int p = 0; p < n; p++) {
            int red = r.values()[p];
            int green = r.values()[n + p];
            int blue = r.values()[2 * n + p];
            if (red == 0 && green == 0 && blue == 0) {
                continue;
            }
            double nx = red / max * 2 - 1;
            double ny = green / max * 2 - 1;
            double nz = blue / max * 2 - 1;
            double len = Math.max(1e-9, Math.sqrt(nx * nx + ny * ny + nz * nz));
            out[p] = (float) (nx / len);
            out[n + p] = (float) (ny / len);
            out[2 * n + p] = (float) (nz / len);
        }
        return out;
    }

    /** Normals .npy, (3, H, W) or (H, W, 3); all-zero or non-finite vectors are "no label" (0). */
    private static float[] normalsNpy(Path f, int w, int h) throws IOException {
        Npy.Array a = Npy.read(f);
        checkShape(f, a.shape(), new long[] {3, h, w}, new long[] {h, w, 3});
        float[] planar = java.util.Arrays.equals(a.shape(), new long[] {3, h, w}) ? a.data().clone() : toPlanar(a.data(), w, h);
        int n = w * h;
        for (int p = 0; p < n; p++) {
            if (!Float.isFinite(planar[p]) || !Float.isFinite(planar[n + p]) || !Float.isFinite(planar[2 * n + p])) {
                planar[p] = 0;
                planar[n + p] = 0;
                planar[2 * n + p] = 0;
            }
        }
        return planar;
    }

    /** Depth .npy in metres, (H, W) or (1, H, W); 0 and non-finite values are invalid (0). */
    private static float[] depthNpy(Path f, int w, int h) throws IOException {
        Npy.Array a = Npy.read(f);
        checkShape(f, a.shape(), new long[] {h, w}, new long[] {1, h, w});
        float[] d = a.data().clone();
        for (int p = 0; p < d.length; p++) {
            if (!Float.isFinite(d[p]) || d[p] < 0) {
                d[p] = 0;
            }
        }
        return d;
    }

    /** Depth as a 16-bit PNG in millimetres (the NYUD-v2 toolbox convention); 0 = invalid. */
    private static float[] depthPng(Path f, int w, int h) throws IOException {
        Samples r = samples(f, w, h);
        if (r.bitDepth() != 16 || r.bands() != 1) {
            throw new IOException(f + ": a depth PNG must be 16-bit grey in millimetres (this one has " + r.bands() + " band(s) of "
                    + r.bitDepth() + " bits); use .npy for metres");
        }
        float[] d = new float[w * h];
        for (int p = 0; p < d.length; p++) {
            d[p] = r.values()[p] / 1000f;
        }
        return d;
    }

    /** The first of dir/id.ext that exists; else one line naming what is missing and every name tried. */
    private static Path first(String what, Path dir, String id, String... exts) throws IOException {
        for (String e : exts) {
            Path p = dir.resolve(id + e);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("dataset: missing " + what + " " + dir.resolve(id + exts[0])
                + (exts.length > 1 ? " (also looked for " + String.join(", ", java.util.Arrays.asList(exts).subList(1, exts.length)) + ")" : ""));
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

    private static int[] classes(Path f, int w, int h, int classes) throws IOException {
        Samples r = samples(f, w, h);
        int[] out = new int[w * h];
        for (int p = 0; p < out.length; p++) {
            int v = r.values()[p];
            if (v != Sample.IGNORE && (v < 0 || v >= classes)) {
                throw new IOException(f + ": label " + v + " at (" + p % w + ", " + p / w + ") is out of range [0, " + classes
                        + ") and not 255");
            }
            out[p] = v;
        }
        return out;
    }

    /**
     * NYUD-v2 raw labels as the public MTL code bases read them: 0 (unlabelled) -> 255 (ignored),
     * c in 1..40 -> c - 1 (Multi-Task-Learning-PyTorch {@code data/nyud.py}: {@code semseg[semseg == 0] = 256; semseg -= 1}).
     */
    private static int[] nyudClasses(Path f, int w, int h) throws IOException {
        Samples r = samples(f, w, h);
        int[] out = new int[w * h];
        for (int p = 0; p < out.length; p++) {
            int v = r.values()[p];
            if (v < 0 || v > NYUD_CLASSES) {
                throw new IOException(f + ": label " + v + " at (" + p % w + ", " + p / w + ") is out of NYUD-v2's raw range 0..40");
            }
            out[p] = v == 0 ? Sample.IGNORE : v - 1;
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

    private static byte[] nearestBytes(byte[] labels, int w, int h, int size) {
        byte[] out = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = labels[(y * h / size) * w + x * w / size];
            }
        }
        return out;
    }

    /** Binary map from a PNG: 1 where the sample is above half its range. */
    private static byte[] binary(Path f, int w, int h) throws IOException {
        Samples r = samples(f, w, h);
        int half = ((1 << r.bitDepth()) - 1) / 2;
        byte[] out = new byte[w * h];
        for (int p = 0; p < out.length; p++) {
            out[p] = (byte) (r.values()[p] > half ? 1 : 0);
        }
        return out;
    }

    /** Binary map from a .npy of (H, W) or (1, H, W): 1 where the value is above 0.5 (edge maps of the MTL code bases). */
    private static byte[] binaryNpy(Path f, int w, int h) throws IOException {
        Npy.Array a = Npy.read(f);
        checkShape(f, a.shape(), new long[] {h, w}, new long[] {1, h, w});
        byte[] out = new byte[w * h];
        for (int p = 0; p < out.length; p++) {
            out[p] = (byte) (a.data()[p] > 0.5f ? 1 : 0);
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
