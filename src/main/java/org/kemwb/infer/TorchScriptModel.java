package org.kemwb.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.card.ModelCard;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.ModelConfig;
import org.kemwb.util.Json;

/**
 * A TorchScript export of the PyTorch twin (interop/pytorch): input image (B,3,H,W) in [0,1] at
 * the config's training size (exports run at that size only; images are letterboxed into it);
 * outputs one map per task, then the token attention (B, K*L, K*L). The config is read from
 * the model card {@code <name>.card.json} the exporter writes (or an older export's
 * {@code <file>.json} sidecar).
 */
public final class TorchScriptModel implements ModelHandle {
    private final Model model;
    private final ModelConfig config;

    private TorchScriptModel(Model model, ModelConfig config) {
        this.model = model;
        this.config = config;
    }

    public static TorchScriptModel load(Path file, Device device) throws IOException {
        org.kemwb.util.UiThreadGuard.check("model load");
        EngineSetup.init();
        if (!Files.isRegularFile(file)) {
            throw new IOException("TorchScript model " + file + ": no such file");
        }
        ModelConfig config = readConfig(file);
        EngineSetup.engineLoaded();
        Model model = Model.newInstance("torchscript", device, "PyTorch");
        try {
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("TorchScript model " + file + ": cannot be loaded (" + Json.firstLine(e.getMessage()) + ")");
        }
        TorchScriptModel ts = new TorchScriptModel(model, config);
        try {
            ts.predict(new float[3 * config.height() * config.width()], true); // proves the interface
        } catch (RuntimeException e) {
            ts.close();
            throw new IOException("TorchScript model " + file + ": does not follow the workbench interface ("
                    + Json.firstLine(e.getMessage()) + ")");
        }
        return ts;
    }

    /**
     * The workbench config of an export: from its model card ({@code name.card.json}, "workbench"
     * section; read by the one card loader) or, for exports made before cards, from {@code name.pt.json}.
     */
    static ModelConfig readConfig(Path file) throws IOException {
        Path cardFile = ModelCard.cardPath(file);
        if (Files.isRegularFile(cardFile)) {
            ModelCard card = ModelCard.load(cardFile);
            if (card.workbench() == null) {
                throw new IOException("TorchScript model " + file + ": its card " + cardFile.getFileName()
                        + " has no \"workbench\" section (open it as a card model: kemwb infer)");
            }
            try {
                return ModelConfig.fromJson(card.workbench(), cardFile + ": workbench");
            } catch (IllegalArgumentException e) {
                throw new IOException(Json.firstLine(e.getMessage()));
            }
        }
        Path sidecar = file.resolveSibling(file.getFileName() + ".json");
        if (!Files.isRegularFile(sidecar)) {
            throw new IOException("TorchScript model " + file + ": not a workbench export (no model card " + cardFile.getFileName()
                    + " or config " + sidecar.getFileName() + "; export with interop/pytorch/export_torchscript.py)");
        }
        try {
            return ModelConfig.fromJson(Json.MAPPER.readTree(sidecar.toFile()), sidecar.toString());
        } catch (IOException e) {
            throw new IOException(sidecar + ": not valid JSON (" + Json.firstLine(e.getMessage()) + ")");
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Device device() {
        return model.getNDManager().getDevice();
    }

    @Override
    public Prediction predict(float[] rgb, int height, int width, InputSize size, boolean withAttention) {
        org.kemwb.util.UiThreadGuard.check("inference");
        EngineSetup.noGradOnThisThread();
        if (rgb.length != 3 * height * width) {
            throw new IllegalArgumentException("input has " + rgb.length + " values, expected 3x" + height + "x" + width);
        }
        Letterbox lb = size.letterbox(height, width, config);
        int sh = config.height();
        int sw = config.width();
        if (lb.modelHeight() != sh || lb.modelWidth() != sw) {
            throw new IllegalArgumentException("a TorchScript export runs at its export size " + sh + " x " + sw + " only, not "
                    + lb.modelHeight() + " x " + lb.modelWidth() + " (use --input-size model)");
        }
        int k = config.taskCount();
        try (NDManager scope = model.getNDManager().newSubManager()) {
            long t0 = System.nanoTime();
            NDArray image = scope.create(lb.toModel(rgb, 3), new Shape(1, 3, sh, sw));
            NDList out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(image), false);
            out.attach(scope);
            if (out.size() != k + 1) {
                throw new IllegalStateException("returned " + out.size() + " outputs, the config's " + k + " tasks need " + (k + 1));
            }
            List<float[]> maps = new ArrayList<>();
            for (int t = 0; t < k; t++) {
                Shape want = new Shape(1, config.tasks().get(t).channels(config), sh, sw);
                if (!out.get(t).getShape().equals(want)) {
                    throw new IllegalStateException("output " + t + " has shape " + out.get(t).getShape() + ", expected " + want);
                }
                maps.add(out.get(t).toFloatArray());
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            NDArray attention = out.get(k);
            float[] tokens = null;
            float[] mass = null;
            if (withAttention && attention.getShape().get(1) > 0) {
                tokens = attention.get(0).toFloatArray();
                mass = new AttentionMaps(config.interaction(), k, config.tokens(), attention, null, null).taskMass().get(0).toFloatArray();
            }
            return new Prediction(config, lb, InferenceEngine.restore(config, lb, maps), tokens, mass, null, ms);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
