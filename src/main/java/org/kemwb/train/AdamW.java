package org.kemwb.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoupled-weight-decay Adam (Loshchilov and Hutter; torch.optim.AdamW semantics). Written
 * here rather than taken from DJL so that its moments can be saved with a checkpoint and a
 * resumed run continues exactly, and so that every temporary lives in a closed scope.
 */
public final class AdamW {
    private static final NDIndex ALL = new NDIndex("...");
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private int step;

    public AdamW(float weightDecay) {
        this(0.9f, 0.999f, 1e-8f, weightDecay);
    }

    public AdamW(float beta1, float beta2, float epsilon, float weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    public int step() {
        return step;
    }

    /** Applies one update to every parameter from its gradient; gradients are then zeroed. */
    public void update(List<Pair<String, Parameter>> parameters, float learningRate) {
        org.kemwb.model.EngineSetup.noGradOnThisThread();
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate / c1);
        float decay = 1 - learningRate * weightDecay;
        for (Pair<String, Parameter> p : parameters) {
            NDArray weight = p.getValue().getArray();
            NDArray[] mv = moments.computeIfAbsent(p.getKey(), k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
            try (NDScope ignored = new NDScope()) {
                NDArray grad = weight.getGradient();
                mv[0].muli(beta1).addi(grad.mul(1 - beta1));
                mv[1].muli(beta2).addi(grad.square().muli(1 - beta2));
                NDArray denom = mv[1].div((float) c2).sqrt().addi(epsilon);
                weight.muli(decay).subi(mv[0].div(denom).muli(stepSize));
                // PyTorch accumulates into .grad; DJL's collector does not reliably clear the
                // gradients of parameters it did not create, so clear them here.
                grad.set(ALL, 0f);
            }
        }
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeInt(step);
        out.writeInt(moments.size());
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            out.writeUTF(e.getKey());
            for (NDArray a : e.getValue()) {
                byte[] b = a.encode();
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    /** Restores moments saved by {@link #save}; arrays are placed on the weights' devices. */
    public void load(DataInputStream in, NDManager manager, List<Pair<String, Parameter>> parameters) throws IOException {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        parameters.forEach(p -> byName.put(p.getKey(), p.getValue()));
        step = in.readInt();
        int count = in.readInt();
        moments.clear();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            Parameter param = byName.get(name);
            if (param == null) {
                throw new IOException("optimizer state has moments for unknown parameter '" + name + "'");
            }
            NDArray[] mv = new NDArray[2];
            for (int j = 0; j < 2; j++) {
                int len = in.readInt();
                if (len < 0 || len > (1 << 30)) {
                    throw new IOException("optimizer state is corrupt at parameter '" + name + "'");
                }
                byte[] b = new byte[len];
                in.readFully(b);
                mv[j] = manager.decode(b).toDevice(param.getArray().getDevice(), false);
                if (!mv[j].getShape().equals(param.getArray().getShape())) {
                    throw new IOException("optimizer state for '" + name + "' has shape " + mv[j].getShape());
                }
            }
            moments.put(name, mv);
        }
    }
}
