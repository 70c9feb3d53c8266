package org.kemwb.card;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.kemwb.util.Json;

/**
 * The model card: a JSON file {@code <name>.card.json} beside an exported TorchScript model
 * {@code <name>.pt} that says everything the workbench must know to run it and read its outputs
 * (the README's "Model card" section documents every key with a full example).
 *
 * <p>The TorchScript module takes one float32 image (1, 3, H, W) and returns a tuple: one tensor
 * (1, C_t, h_t, w_t) per task in {@link #tasks()} order (any stride: h_t, w_t at most H, W), then
 * one tensor per {@link #attention()} entry: (1, heads, R, C) when heads are kept, (1, R, C) when
 * averaged, R and C the token counts of its row and column layouts.
 *
 * <p>Loading is strict: an unknown key or an out-of-range value is refused with one line naming
 * the file and the key path, e.g. {@code m.card.json: tasks[1].kind: 'dpeth': must be one of ...}.
 *
 * @param name free text shown to the user
 * @param workbench the workbench's own model config, present only in its own exports
 */
public record ModelCard(String name, Input input, List<TaskSpec> tasks, List<AttentionSpec> attention, JsonNode workbench) {

    public static final String FORMAT = "kemwb-model-card/1";

    /**
     * Input of the model. Either a fixed {@code height x width} or any size that is a multiple of
     * {@code multipleOf} (then the photo is scaled so its longer side is at most {@code maxSide}
     * and padded up to the next multiple). Pixels v in [0, 255] are fed as
     * {@code (v / 255 * range - mean[c]) / std[c]}, channels in {@code channels} order
     * ({@code "RGB"} or {@code "BGR"}); mean and std are in the units of {@code range}.
     */
    public record Input(int height, int width, int multipleOf, int maxSide, String channels, int range, double[] mean, double[] std) {
        public boolean fixed() {
            return multipleOf == 0;
        }

        public boolean bgr() {
            return channels.equals("BGR");
        }
    }

    /** One class of a segmentation task: its name and its colour 0xRRGGBB. */
    public record SegClass(String name, int colour) {}

    /** What a task's output means. */
    public enum Kind {
        SEGMENTATION, DEPTH, NORMALS, EDGES, SALIENCY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One task output.
     *
     * @param classes segmentation classes in channel order (empty otherwise)
     * @param preset the preset the classes came from, or null
     * @param metresPerUnit depth: output x this = metres (1 for "unit": "metres")
     * @param axes normals: direction of +x, +y, +z (right, left, up, down, forward, backward)
     * @param frame normals: "camera" or "world"
     * @param probabilities edges/saliency: output already in [0, 1] (else logits: sigmoid applied)
     */
    public record TaskSpec(String name, Kind kind, List<SegClass> classes, String preset, double metresPerUnit,
            List<String> axes, String frame, boolean probabilities) {
        /** Channels the output must have. */
        public int channels() {
            return switch (kind) {
                case SEGMENTATION -> classes.size();
                case NORMALS -> 3;
                case DEPTH, EDGES, SALIENCY -> 1;
            };
        }
    }

    /**
     * Tokens along one axis of an attention map: {@code prefix} tokens first (class, register or
     * other tokens with no place in the image, dropped when drawing), then one group per grid,
     * each gh x gw tokens in row-major order (row 0 left to right, then row 1, ...). A group given
     * by its {@code patch} has its grid from the model input: {@link #at} resolves it.
     */
    public record TokenLayout(int prefix, List<TokenGroup> groups) {
        /** Tokens along this axis; the layout must be resolved ({@link #at}) when a group is given by its patch. */
        public int tokens() {
            int n = prefix;
            for (TokenGroup g : groups) {
                n += g.tokens();
            }
            return n;
        }

        /** Whether every group has its grid (none waits for the input size). */
        public boolean resolved() {
            return groups.stream().allMatch(TokenGroup::resolved);
        }

        /** This layout for a model input of {@code height} x {@code width} pixels: grids of patch groups computed. */
        public TokenLayout at(int height, int width) {
            return resolved() ? this : new TokenLayout(prefix, groups.stream().map(g -> g.at(height, width)).toList());
        }

        /** Index of the first token of group {@code g}. */
        public int start(int g) {
            int n = prefix;
            for (int i = 0; i < g; i++) {
                n += groups.get(i).tokens();
            }
            return n;
        }

        /** Index of the token at grid cell (row gy, column gx) of group {@code g}. */
        public int index(int g, int gy, int gx) {
            TokenGroup grp = groups.get(g);
            if (gy < 0 || gy >= grp.height() || gx < 0 || gx >= grp.width()) {
                throw new IndexOutOfBoundsException("cell (" + gy + ", " + gx + ") outside the " + grp.height() + "x" + grp.width() + " grid");
            }
            return start(g) + gy * grp.width() + gx;
        }
    }

    /**
     * gh x gw tokens belonging to task {@code task} (a task name of the card, or null for shared
     * tokens). A group with {@code patch} P > 0 has one token per P x P pixels of the model input
     * (a ViT's patch, a CNN stage's stride): gh = H / P, gw = W / P (rounded down, as a stride-P
     * convolution gives), so its grid follows the input of a {@code multipleOf} model; until
     * resolved by {@link #at}, height and width are 0.
     */
    public record TokenGroup(String task, int height, int width, int patch) {
        /** A group with a fixed grid. */
        public TokenGroup(String task, int height, int width) {
            this(task, height, width, 0);
        }

        public String label() {
            return task == null ? "image" : task;
        }

        /** Whether the grid is known (fixed, or resolved for an input size). */
        public boolean resolved() {
            return height > 0 && width > 0;
        }

        /** gh * gw. */
        public int tokens() {
            if (!resolved()) {
                throw new IllegalStateException("the grid of a patch-" + patch + " group follows the input: resolve it with at(height, width)");
            }
            return height * width;
        }

        /** The grid for a model input of {@code h} x {@code w} pixels (this group when its grid is fixed). */
        public TokenGroup at(int h, int w) {
            if (patch == 0) {
                return this;
            }
            if (h < patch || w < patch) {
                throw new IllegalArgumentException("a " + h + "x" + w + " input is smaller than the " + patch + " px patch");
            }
            return new TokenGroup(task, h / patch, w / patch, patch);
        }
    }

    /**
     * An attention output: attention weights of the {@code rows} tokens (queries) over the
     * {@code columns} tokens (keys). {@code headsKept}: the output is (1, heads, R, C) and the
     * workbench averages heads for display; else it is (1, R, C). {@code source} documents where
     * it was captured (module path), free text.
     */
    public record AttentionSpec(String name, boolean headsKept, TokenLayout rows, TokenLayout columns, String source) {
        /** This output for a model input of {@code height} x {@code width} pixels: every patch group's grid computed. */
        public AttentionSpec at(int height, int width) {
            return rows.resolved() && columns.resolved() ? this
                    : new AttentionSpec(name, headsKept, rows.at(height, width), columns.at(height, width), source);
        }
    }

    /** The card of a model file: {@code dir/name.pt} -> {@code dir/name.card.json}. */
    public static Path cardPath(Path model) {
        String n = model.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".card.json");
    }

    /** Reads and checks a card file. */
    public static ModelCard load(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CardException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new CardException(file + ": not valid JSON (" + Json.firstLine(e.getOriginalMessage()) + ")");
        }
        return parse(root, file.toString());
    }

    /** Checks a card given as a JSON tree; {@code file} names it in errors. */
    public static ModelCard parse(JsonNode root, String file) throws CardException {
        CardReader r = new CardReader(file);
        if (root == null || root.isMissingNode()) {
            throw r.error("(root)", "empty file");
        }
        r.object(root, "", Set.of("format", "name", "input", "tasks", "attention", "workbench"));
        String format = r.string(root, "", "format", FORMAT);
        if (!format.equals(FORMAT)) {
            throw r.error("format", "'" + format + "': this workbench reads " + FORMAT);
        }
        String name = r.string(root, "", "name", "model");
        Input input = input(r, r.required(root, "", "input"));
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> taskNames = new HashSet<>();
        List<JsonNode> taskNodes = r.array(root.get("tasks"), "tasks", 1, 64);
        for (int i = 0; i < taskNodes.size(); i++) {
            TaskSpec t = task(r, taskNodes.get(i), "tasks[" + i + "]");
            if (!taskNames.add(t.name())) {
                throw r.error("tasks[" + i + "].name", "'" + t.name() + "' appears twice");
            }
            tasks.add(t);
        }
        List<AttentionSpec> attention = new ArrayList<>();
        if (root.has("attention")) {
            List<JsonNode> nodes = r.array(root.get("attention"), "attention", 0, 256);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < nodes.size(); i++) {
                AttentionSpec a = attention(r, nodes.get(i), "attention[" + i + "]", taskNames, input);
                if (!names.add(a.name())) {
                    throw r.error("attention[" + i + "].name", "'" + a.name() + "' appears twice");
                }
                attention.add(a);
            }
        }
        JsonNode workbench = root.get("workbench");
        if (workbench != null && !workbench.isObject()) {
            throw r.error("workbench", "must be a JSON object");
        }
        return new ModelCard(name, input, List.copyOf(tasks), List.copyOf(attention), workbench);
    }

    private static Input input(CardReader r, JsonNode n) throws CardException {
        r.object(n, "input", Set.of("height", "width", "multipleOf", "maxSide", "channels", "range", "mean", "std"));
        int h = 0;
        int w = 0;
        int multiple = 0;
        int maxSide = 0;
        if (n.has("multipleOf")) {
            if (n.has("height") || n.has("width")) {
                throw r.error("input.multipleOf", "give either height and width or multipleOf, not both");
            }
            multiple = r.integer(n, "input", "multipleOf", 1, 1024, null);
            maxSide = r.integer(n, "input", "maxSide", multiple, 8192, Math.max(multiple, 1024));
        } else {
            if (n.has("maxSide")) {
                throw r.error("input.maxSide", "only with multipleOf (a fixed input has height and width)");
            }
            h = r.integer(n, "input", "height", 1, 8192, null);
            w = r.integer(n, "input", "width", 1, 8192, null);
        }
        String channels = r.choice(n, "input", "channels", "RGB", "RGB", "BGR");
        int range = r.integer(n, "input", "range", 1, 255, 1);
        if (range != 1 && range != 255) {
            throw r.error("input.range", range + ": must be 1 or 255");
        }
        double[] mean = triple(r, n, "mean", -range, range, false, 0);
        double[] std = triple(r, n, "std", 0, range, true, 1);
        return new Input(h, w, multiple, maxSide, channels, range, mean, std);
    }

    private static double[] triple(CardReader r, JsonNode n, String key, double lo, double hi, boolean open, double fallback)
            throws CardException {
        if (!n.has(key)) {
            return new double[] {fallback, fallback, fallback};
        }
        List<JsonNode> v = r.array(n.get(key), "input." + key, 3, 3);
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            out[i] = r.number(v.get(i), "input." + key + "[" + i + "]", lo, hi, open);
        }
        return out;
    }

    private static final List<String> DIRECTIONS = List.of("right", "left", "up", "down", "forward", "backward");

    private static TaskSpec task(CardReader r, JsonNode n, String path) throws CardException {
        if (n == null || !n.isObject()) {
            throw r.error(path, "must be a JSON object");
        }
        String kindName = r.choice(n, path, "kind", null, "segmentation", "depth", "normals", "edges", "saliency");
        Kind kind = Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
        Set<String> allowed = new HashSet<>(Set.of("name", "kind"));
        switch (kind) {
            case SEGMENTATION -> allowed.addAll(Set.of("classes", "preset"));
            case DEPTH -> allowed.addAll(Set.of("unit", "scale"));
            case NORMALS -> allowed.addAll(Set.of("axes", "frame"));
            case EDGES, SALIENCY -> allowed.add("values");
        }
        r.object(n, path, allowed);
        String name = r.string(n, path, "name", null);
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw r.error(path + ".name", "'" + name + "': use letters, digits, '_', '.', '-' (it names output files)");
        }
        List<SegClass> classes = List.of();
        String preset = null;
        double metres = 1;
        List<String> axes = List.of();
        String frame = null;
        boolean probabilities = false;
        switch (kind) {
            case SEGMENTATION -> {
                if (n.has("preset") == n.has("classes")) {
                    throw r.error(path, "segmentation needs exactly one of \"classes\" or \"preset\" (" + String.join(", ", SegmentationPresets.NAMES) + ")");
                }
                if (n.has("preset")) {
                    preset = r.choice(n, path, "preset", null, SegmentationPresets.NAMES.toArray(String[]::new));
                    classes = SegmentationPresets.get(preset);
                } else {
                    classes = classes(r, n.get("classes"), path + ".classes");
                }
            }
            case DEPTH -> {
                if (n.has("unit") == n.has("scale")) {
                    throw r.error(path, "depth needs exactly one of \"unit\": \"metres\" or \"scale\" (metres per output unit)");
                }
                if (n.has("unit")) {
                    r.choice(n, path, "unit", null, "metres");
                } else {
                    metres = r.number(n.get("scale"), path + ".scale", 0, 1e6, true);
                }
            }
            case NORMALS -> {
                List<JsonNode> a = r.array(r.required(n, path, "axes"), path + ".axes", 3, 3);
                List<String> dirs = new ArrayList<>();
                Set<Integer> dims = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    String d = a.get(i).asText("").toLowerCase(Locale.ROOT);
                    int idx = DIRECTIONS.indexOf(d);
                    if (!a.get(i).isTextual() || idx < 0) {
                        throw r.error(path + ".axes[" + i + "]", a.get(i) + ": must be one of " + String.join(", ", DIRECTIONS));
                    }
                    if (!dims.add(idx / 2)) {
                        throw r.error(path + ".axes[" + i + "]", "'" + d + "' is parallel to another axis (the three axes must be perpendicular)");
                    }
                    dirs.add(d);
                }
                axes = List.copyOf(dirs);
                frame = r.choice(n, path, "frame", "camera", "camera", "world");
            }
            case EDGES, SALIENCY -> probabilities = r.choice(n, path, "values", null, "logits", "probabilities").equals("probabilities");
        }
        return new TaskSpec(name, kind, classes, preset, metres, axes, frame, probabilities);
    }

    private static List<SegClass> classes(CardReader r, JsonNode v, String path) throws CardException {
        List<JsonNode> nodes = r.array(v, path, 2, 4096);
        List<SegClass> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode c = nodes.get(i);
            if (c.isTextual()) {
                out.add(new SegClass(c.asText(), SegmentationPresets.vocColour(i)));
                continue;
            }
            r.object(c, p, Set.of("name", "colour"));
            String name = r.string(c, p, "name", null);
            int colour = SegmentationPresets.vocColour(i);
            if (c.has("colour")) {
                String hex = r.string(c, p, "colour", null);
                if (!hex.matches("#[0-9a-fA-F]{6}")) {
                    throw r.error(p + ".colour", "'" + hex + "': must be #rrggbb");
                }
                colour = Integer.parseInt(hex.substring(1), 16);
            }
            out.add(new SegClass(name, colour));
        }
        return List.copyOf(out);
    }

    private static AttentionSpec attention(CardReader r, JsonNode n, String path, Set<String> tasks, Input input) throws CardException {
        r.object(n, path, Set.of("name", "heads", "rows", "columns", "source"));
        String name = r.string(n, path, "name", null);
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw r.error(path + ".name", "'" + name + "': use letters, digits, '_', '.', '-' (it names output files)");
        }
        boolean kept = r.choice(n, path, "heads", null, "kept", "averaged").equals("kept");
        TokenLayout rows = layout(r, r.required(n, path, "rows"), path + ".rows", tasks, input);
        TokenLayout columns = layout(r, r.required(n, path, "columns"), path + ".columns", tasks, input);
        String source = n.has("source") ? r.string(n, path, "source", null) : null;
        return new AttentionSpec(name, kept, rows, columns, source);
    }

    private static TokenLayout layout(CardReader r, JsonNode n, String path, Set<String> tasks, Input input) throws CardException {
        r.object(n, path, Set.of("prefix", "groups"));
        int prefix = r.integer(n, path, "prefix", 0, 4096, 0);
        List<JsonNode> nodes = r.array(r.required(n, path, "groups"), path + ".groups", 1, 64);
        List<TokenGroup> groups = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = path + ".groups[" + i + "]";
            JsonNode g = r.object(nodes.get(i), p, Set.of("task", "grid", "patch"));
            String task = g.has("task") ? r.string(g, p, "task", null) : null;
            if (task != null && !tasks.contains(task)) {
                throw r.error(p + ".task", "'" + task + "' is not a task of this card (" + String.join(", ", tasks.stream().sorted().toList()) + ")");
            }
            if (g.has("grid") == g.has("patch")) {
                throw r.error(p, "give exactly one of \"grid\": [gh, gw] (fixed) or \"patch\": P (gh = H / P, gw = W / P of the model input)");
            }
            if (g.has("patch")) {
                int limit = input.fixed() ? Math.min(input.height(), input.width()) : input.maxSide();
                int patch = r.integer(g, p, "patch", 1, 4096, null);
                if (patch > limit) {
                    throw r.error(p + ".patch", patch + " px: larger than the input (" + (input.fixed() ? input.height() + "x" + input.width()
                            : "at most " + input.maxSide() + " px a side") + ")");
                }
                TokenGroup grp = new TokenGroup(task, 0, 0, patch);
                groups.add(input.fixed() ? grp.at(input.height(), input.width()) : grp);
                continue;
            }
            List<JsonNode> grid = r.array(r.required(g, p, "grid"), p + ".grid", 2, 2);
            int gh = r.integer(grid.get(0), p + ".grid[0]", 1, 4096);
            int gw = r.integer(grid.get(1), p + ".grid[1]", 1, 4096);
            if (input.fixed() && (gh > input.height() || gw > input.width())) {
                throw r.error(p + ".grid", gh + "x" + gw + " tokens: more than the " + input.height() + "x" + input.width() + " input pixels");
            }
            groups.add(new TokenGroup(task, gh, gw));
        }
        return new TokenLayout(prefix, List.copyOf(groups));
    }
}
