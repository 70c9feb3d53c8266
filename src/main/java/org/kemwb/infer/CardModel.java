package org.kemwb.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemwb.card.CardException;
import org.kemwb.card.ModelCard;
import org.kemwb.io.Picture;
import org.kemwb.model.EngineSetup;
import org.kemwb.util.Resample;

/**
 * A TorchScript model described by a {@link ModelCard} ({@code name.pt} + {@code name.card.json}):
 * any multi-task model exported with {@code interop/pytorch/export_model.py}. Fits the photo into
 * the card's input (aspect kept, centred, padding = mean colour), normalises it as the card says,
 * runs the module, checks every output against the card and brings every task back to the
 * photo's size; attention outputs are read through the card's token layouts.
 *
 * <p>Owns native memory until closed; not thread-safe (one engine thread).
 */
public final class CardModel implements AutoCloseable {
    private final Model model;
    private final ModelCard card;
    private final Path file;

    private CardModel(Model model, ModelCard card, Path file) {
        this.model = model;
        this.card = card;
        this.file = file;
    }

    /**
     * True when {@code file} is to be opened as a card model: a card without a "workbench"
     * section beside it, or a {@code .pt} with neither a card nor an old-style {@code .pt.json}
     * sidecar (so that loading explains what the file is and what is missing).
     */
    public static boolean isCardModel(Path file) {
        Path card = ModelCard.cardPath(file);
        if (Files.isRegularFile(card)) {
            try {
                return ModelCard.load(card).workbench() == null;
            } catch (IOException e) {
                return true; // load() reports the bad card
            }
        }
        String name = file.getFileName().toString();
        return (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript"))
                && !Files.isRegularFile(file.resolveSibling(name + ".json"));
    }

    /**
     * Loads {@code file} and its card {@code name.card.json}.
     *
     * @throws IOException one line naming the file: no card, bad card, a state dict instead of
     *     TorchScript, a damaged file, or a module libtorch refuses
     */
    public static CardModel load(Path file, Device device) throws IOException {
        TorchScriptFiles.check(file);
        Path cardFile = ModelCard.cardPath(file);
        if (!Files.isRegularFile(cardFile)) {
            throw new CardException(file + ": no model card " + cardFile.getFileName() + " beside it (" + TorchScriptFiles.EXPORT_HINT + ")");
        }
        ModelCard card = ModelCard.load(cardFile);
        EngineSetup.init();
        Model model = Model.newInstance("card", device, "PyTorch");
        try {
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException(file + ": damaged: libtorch cannot load it (" + TorchScriptFiles.errorLine(e) + ")");
        }
        return new CardModel(model, card, file);
    }

    public ModelCard card() {
        return card;
    }

    public Path file() {
        return file;
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** Raw outputs of one forward pass: planar float data and shapes, in card order. */
    public record RawOutputs(List<float[]> data, List<long[]> shapes, double forwardMs) {}

    /**
     * Runs the module on a prepared input and checks its outputs against the card.
     *
     * @param input planar (1, 3, h, w), already normalised as the card says
     * @throws CardException "FILE: output i (name): ..." at the first mismatch with the card
     * @throws IOException "FILE: output i (name): N of M values are NaN or infinite" (nothing is drawn from them)
     * @throws IOException "FILE: the TorchScript module failed: <interpreter's error line>"
     */
    public RawOutputs forward(float[] input, int h, int w) throws IOException {
        EngineSetup.noGradOnThisThread();
        try (NDManager scope = model.getNDManager().newSubManager()) {
            long t0 = System.nanoTime();
            NDList out;
            try {
                out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(scope.create(input, new Shape(1, 3, h, w))), false);
            } catch (RuntimeException e) {
                throw new IOException(file + ": the TorchScript module failed: " + TorchScriptFiles.errorLine(e));
            }
            out.attach(scope);
            double ms = (System.nanoTime() - t0) / 1e6;
            check(out, h, w);
            List<float[]> data = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (NDArray a : out) {
                float[] values = a.toFloatArray();
                int bad = 0;
                for (float v : values) {
                    bad += Float.isFinite(v) ? 0 : 1;
                }
                if (bad > 0) {
                    int i = data.size();
                    String name = i < card.tasks().size() ? card.tasks().get(i).name() : card.attention().get(i - card.tasks().size()).name();
                    throw new IOException(file + ": output " + i + " (" + name + "): " + bad + " of " + values.length
                            + " values are NaN or infinite");
                }
                data.add(values);
                shapes.add(a.getShape().getShape());
            }
            return new RawOutputs(List.copyOf(data), List.copyOf(shapes), ms);
        }
    }

    private void check(NDList out, int h, int w) throws CardException {
        int k = card.tasks().size();
        int n = k + card.attention().size();
        if (out.size() != n) {
            throw new CardException(file + ": the model gives " + out.size() + " outputs, its card " + ModelCard.cardPath(file).getFileName()
                    + " names " + k + " tasks + " + card.attention().size() + " attention outputs");
        }
        for (int i = 0; i < n; i++) {
            NDArray a = out.get(i);
            String name = i < k ? card.tasks().get(i).name() : card.attention().get(i - k).name();
            String where = file + ": output " + i + " (" + name + "): ";
            if (a.getDataType() != DataType.FLOAT32) {
                throw new CardException(where + "dtype " + a.getDataType().toString().toLowerCase(java.util.Locale.ROOT) + ", the card needs float32");
            }
            long[] s = a.getShape().getShape();
            if (i < k) {
                int c = card.tasks().get(i).channels();
                if (s.length != 4 || s[0] != 1 || s[1] != c || s[2] < 1 || s[3] < 1 || s[2] > h || s[3] > w) {
                    throw new CardException(where + "shape " + a.getShape() + ", the card needs (1, " + c + ", <=" + h + ", <=" + w + ")");
                }
            } else {
                ModelCard.AttentionSpec spec = card.attention().get(i - k).at(h, w); // patch grids follow the input
                int r = spec.rows().tokens();
                int c = spec.columns().tokens();
                boolean ok = spec.headsKept() ? s.length == 4 && s[0] == 1 && s[1] >= 1 : s.length == 3 && s[0] == 1;
                if (!ok || s[s.length - 2] != r || s[s.length - 1] != c) {
                    throw new CardException(where + "shape " + a.getShape() + ", the card needs " + (spec.headsKept() ? "(1, heads, " : "(1, ")
                            + r + ", " + c + ") (rows " + layoutText(spec.rows()) + ", columns " + layoutText(spec.columns()) + ")");
                }
            }
        }
    }

    private static String layoutText(ModelCard.TokenLayout l) {
        StringBuilder b = new StringBuilder();
        if (l.prefix() > 0) {
            b.append(l.prefix()).append(" prefix");
        }
        for (ModelCard.TokenGroup g : l.groups()) {
            b.append(b.isEmpty() ? "" : " + ").append(g.height()).append('x').append(g.width());
        }
        return b.toString();
    }

    /**
     * Where a photo of this size goes in this model's input: fitted into the card's height x
     * width, or scaled to at most maxSide and padded up to a multiple of multipleOf; centred.
     */
    Letterbox letterbox(int photoWidth, int photoHeight) {
        ModelCard.Input in = card.input();
        if (in.fixed()) {
            return Letterbox.fit(photoHeight, photoWidth, in.height(), in.width());
        }
        double s = Math.min(1, in.maxSide() / (double) Math.max(photoWidth, photoHeight));
        int cw = Math.max(1, (int) Math.round(photoWidth * s));
        int ch = Math.max(1, (int) Math.round(photoHeight * s));
        int p = in.multipleOf();
        int mw = (cw + p - 1) / p * p;
        int mh = (ch + p - 1) / p * p;
        return new Letterbox(photoHeight, photoWidth, mh, mw, ch, cw, (mh - ch) / 2, (mw - cw) / 2);
    }

    /** The photo in the model input, planar [0,1] RGB, padding in the card's mean colour (0 once normalised). */
    float[] draw(Letterbox lb, Picture photo) {
        return modelInput(card.input(), lb, photo);
    }

    /**
     * What the model sees of a photo before normalisation: the photo placed by {@code lb} into
     * the model input, planar [0,1] RGB (3, modelHeight, modelWidth), the padding in the card's
     * mean colour (0 once normalised).
     */
    public static float[] modelInput(ModelCard.Input in, Letterbox lb, Picture photo) {
        float[] out = lb.toModel(photo.rgb(), 3);
        float[] pad = meanColour(in);
        int w = lb.modelWidth();
        int n = w * lb.modelHeight();
        for (int y = 0; y < lb.modelHeight(); y++) {
            boolean row = y < lb.top() || y >= lb.top() + lb.contentHeight();
            for (int x = 0; x < w; x++) {
                if (row || x < lb.left() || x >= lb.left() + lb.contentWidth()) {
                    for (int c = 0; c < 3; c++) {
                        out[c * n + y * w + x] = pad[c];
                    }
                }
            }
        }
        return out;
    }

    /**
     * An output (C, h, w) at any stride brought to the photo: resampled to the model input size
     * (bilinear, pixel centres, as F.interpolate(align_corners=False)), then cropped to the
     * photo's box and resampled to the photo's size ({@link Letterbox#toImage}).
     */
    static float[] toPhoto(Letterbox lb, float[] map, int c, int h, int w) {
        return lb.toImage(Resample.resize(map, c, h, w, lb.modelHeight(), lb.modelWidth()), c);
    }

    /**
     * The normalised model input from planar RGB in [0,1] (3, h, w):
     * {@code (v * range - mean[c]) / std[c]}, channels in the card's order (BGR swaps R and B).
     */
    public static float[] normalise(float[] rgb, ModelCard.Input in) {
        int n = rgb.length / 3;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            int src = in.bgr() ? 2 - c : c; // source plane 0 = R
            double mean = in.mean()[c];
            double std = in.std()[c];
            for (int p = 0; p < n; p++) {
                out[c * n + p] = (float) ((rgb[src * n + p] * in.range() - mean) / std);
            }
        }
        return out;
    }

    /** The mean colour as RGB in [0,1]: the padding, which normalises to zero. */
    private static float[] meanColour(ModelCard.Input in) {
        float[] rgb = new float[3];
        for (int c = 0; c < 3; c++) {
            rgb[in.bgr() ? 2 - c : c] = (float) Math.clamp(in.mean()[c] / in.range(), 0, 1);
        }
        return rgb;
    }

    /** Runs the model on a photo; every task comes back at the photo's size. */
    public CardPrediction predict(Picture photo) throws IOException {
        Letterbox lb = letterbox(photo.width(), photo.height());
        float[] input = normalise(draw(lb, photo), card.input());
        RawOutputs raw = forward(input, lb.modelHeight(), lb.modelWidth());
        int k = card.tasks().size();
        int pw = photo.width();
        int ph = photo.height();
        int n = pw * ph;
        List<CardPrediction.TaskMap> tasks = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            ModelCard.TaskSpec spec = card.tasks().get(t);
            long[] s = raw.shapes().get(t);
            int c = (int) s[1];
            float[] values = toPhoto(lb, raw.data().get(t), c, (int) s[2], (int) s[3]);
            int[] classMap = null;
            switch (spec.kind()) {
                case SEGMENTATION -> classMap = argmax(values, c, n);
                case DEPTH -> scale(values, (float) spec.metresPerUnit());
                case EDGES, SALIENCY -> {
                    if (!spec.probabilities()) {
                        for (int p = 0; p < values.length; p++) {
                            values[p] = (float) (1 / (1 + Math.exp(-values[p])));
                        }
                    }
                }
                case NORMALS -> { }
            }
            tasks.add(new CardPrediction.TaskMap(spec, c, values, classMap, s));
        }
        List<CardPrediction.AttentionMap> attention = new ArrayList<>();
        for (int i = 0; i < card.attention().size(); i++) {
            ModelCard.AttentionSpec spec = card.attention().get(i).at(lb.modelHeight(), lb.modelWidth());
            long[] s = raw.shapes().get(k + i);
            float[] data = raw.data().get(k + i);
            int r = (int) s[s.length - 2];
            int c = (int) s[s.length - 1];
            int heads = spec.headsKept() ? (int) s[1] : 1;
            float[] mean = heads == 1 ? data : averageHeads(data, heads, r * c);
            attention.add(new CardPrediction.AttentionMap(spec, heads, r, c, mean, heads == 1 ? null : data));
        }
        return new CardPrediction(card, pw, ph, List.copyOf(tasks), List.copyOf(attention), lb, raw.forwardMs());
    }

    static float[] averageHeads(float[] data, int heads, int size) {
        float[] out = new float[size];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < size; i++) {
                out[i] += data[h * size + i];
            }
        }
        for (int i = 0; i < size; i++) {
            out[i] /= heads;
        }
        return out;
    }

    private static int[] argmax(float[] v, int c, int n) {
        int[] out = new int[n];
        for (int p = 0; p < n; p++) {
            int best = 0;
            for (int ch = 1; ch < c; ch++) {
                if (v[ch * n + p] > v[best * n + p]) {
                    best = ch;
                }
            }
            out[p] = best;
        }
        return out;
    }

    private static void scale(float[] v, float s) {
        if (s != 1f) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= s;
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return file.getFileName() + " (" + card.name() + ")";
    }

    static String shapeText(long[] s) {
        return Arrays.toString(s);
    }
}
