package org.kemwb.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link MultiTaskNet} with its parameters on a device. Owns the native memory of the
 * weights (and of a TorchScript backbone): {@link #close()} releases all of it.
 */
public final class LoadedModel implements AutoCloseable {
    static {
        EngineSetup.init();
    }

    private final Model model;
    private final Model backbone;
    private final MultiTaskNet net;

    private LoadedModel(Model model, Model backbone, MultiTaskNet net) {
        this.model = model;
        this.backbone = backbone;
        this.net = net;
    }

    /**
     * Builds a freshly initialised model. {@code baseDir} resolves a relative TorchScript
     * backbone path (a checkpoint's folder); null means the working directory.
     */
    public static LoadedModel create(ModelConfig config, Device device, long seed, Path baseDir) throws IOException {
        org.kemwb.util.UiThreadGuard.check("model build");
        config.validated("model");
        Model backbone = null;
        Block frozen = null;
        if (config.torchScriptBackbone()) {
            Path file = baseDir == null ? Path.of(config.backbone()) : baseDir.resolve(config.backbone());
            if (!Files.isRegularFile(file)) {
                throw new IOException("TorchScript backbone " + file + " not found");
            }
            EngineSetup.engineLoaded();
            backbone = Model.newInstance("backbone", device, "PyTorch");
            try {
                backbone.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
            } catch (MalformedModelException | RuntimeException e) {
                backbone.close();
                throw new IOException("TorchScript backbone " + file + " could not be loaded: " + e.getMessage(), e);
            }
            frozen = backbone.getBlock();
        }
        EngineSetup.engineLoaded(); // libtorch zero-fills tensors (NativeAllocator): DJL's Conv2d runs oneDNN too
        Model model = Model.newInstance("kemwb", device, "PyTorch");
        MultiTaskNet net = new MultiTaskNet(config, frozen);
        model.setBlock(net);
        synchronized (LoadedModel.class) {
            Engine.getEngine("PyTorch").setRandomSeed((int) seed);
            net.initialize(model.getNDManager(), DataType.FLOAT32, net.inputShape(1));
        }
        return new LoadedModel(model, backbone, net);
    }

    public MultiTaskNet net() {
        return net;
    }

    public ModelConfig config() {
        return net.config();
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** Manager owning the weights; make per-step sub-managers of it. */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** Parameter store reading the weights on this model's device. */
    public ParameterStore parameterStore(NDManager scope) {
        return new ParameterStore(scope, false);
    }

    /**
     * Inference forward pass; all results are attached to {@code scope} (images: (B,3,S,S) in
     * [0,1] on any device).
     */
    public NetOutput infer(NDManager scope, NDArray images, boolean withAttention) {
        org.kemwb.util.UiThreadGuard.check("inference");
        EngineSetup.noGradOnThisThread();
        NDArray onDevice = images.toDevice(device(), false);
        onDevice.attach(scope);
        return net.forward(parameterStore(scope), onDevice, false, withAttention);
    }

    @Override
    public void close() {
        model.close();
        if (backbone != null) {
            backbone.close();
        }
    }
}
