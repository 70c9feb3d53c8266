package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;

/**
 * Knowledge Exchange Module through N learnable memory slots M (shared over the batch):
 * <ol>
 *   <li>Retrieve: A_r = topk-softmax((M W_q)(X W_k)^T / sqrt(d)) over the K*L tokens of all
 *       tasks; M' = A_r (X W_v). Every slot reads exactly k tokens.</li>
 *   <li>Write: A_w = softmax((X_t W'_q)(M' W'_k)^T / sqrt(d)); X'_t = A_w (M' W'_v).</li>
 *   <li>Broadcast: X_t + lambda X'_t.</li>
 * </ol>
 * With {@code skem} the retrieve scores are computed in the simplex-ETF space: queries and keys
 * pass through one extra learnable d x d projection P, then E (d x K, fixed), and are scaled by
 * sqrt(K) (K = tasks, or {@link ModelConfig#etfVertices} when set). That reading of the paper lives only in {@link #retrieveScores}. Cost O(N K L d).
 */
public final class KemInteraction extends TaskInteraction {
    private final Parameter memory;
    private final Linear retrieveQuery;
    private final Linear retrieveKey;
    private final Linear retrieveValue;
    private final Linear writeQuery;
    private final Linear writeKey;
    private final Linear writeValue;
    private final Linear etfProjection;
    private final float[] etf;

    public KemInteraction(ModelConfig config) {
        super(config);
        memory = addParameter(Parameter.builder()
                .setName("memory")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.slots(), config.dim()))
                .optInitializer(new NormalInitializer(1f))
                .build());
        retrieveQuery = projection("retrieve_query");
        retrieveKey = projection("retrieve_key");
        retrieveValue = projection("retrieve_value");
        writeQuery = projection("write_query");
        writeKey = projection("write_key");
        writeValue = projection("write_value");
        if (config.interaction() == InteractionKind.SKEM) {
            etfProjection = projection("etf_projection");
            int headDim = config.dim() / config.heads();
            int vertices = config.etfColumns();
            float[][] e = Etf.matrix(headDim, vertices, config.etfSeed());
            etf = new float[headDim * vertices];
            for (int r = 0; r < headDim; r++) {
                System.arraycopy(e[r], 0, etf, r * vertices, vertices);
            }
        } else {
            etfProjection = null;
            etf = null;
        }
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray x, boolean training, boolean withAttention) {
        int h = config.heads();
        double headDim = (double) config.dim() / h;
        NDArray slots = ps.getValue(memory, x.getDevice(), training).expandDims(0); // (1, N, d)
        // DJL attaches an op's result to the manager of its first operand: without this, the
        // view of the parameter and everything computed from it (scores, top-k masks, ...) would
        // live in the model's manager and leak ~27 arrays per forward pass.
        slots.attach(x.getManager());

        NDArray retrieve = AttentionOps.topKSoftmax(retrieveScores(ps, slots, x, training), config.topK()); // (B,h,N,KL)
        NDArray values = AttentionOps.splitHeads(apply(retrieveValue, ps, x, training), h);
        NDArray filled = AttentionOps.mergeHeads(retrieve.matMul(values)); // M': (B, N, d)

        NDArray wq = AttentionOps.splitHeads(apply(writeQuery, ps, x, training), h);
        NDArray wk = AttentionOps.splitHeads(apply(writeKey, ps, filled, training), h);
        NDArray wv = AttentionOps.splitHeads(apply(writeValue, ps, filled, training), h);
        NDArray write = AttentionOps.scores(wq, wk, headDim).softmax(-1); // (B,h,KL,N)
        NDArray update = AttentionOps.mergeHeads(write.matMul(wv));
        NDArray tokens = x.add(AttentionOps.scale(update, config.lambda()));

        AttentionMaps maps = null;
        if (withAttention) {
            NDArray perHead = write.matMul(retrieve); // (B, h, KL, KL)
            maps = new AttentionMaps(config.interaction(), config.taskCount(), (int) (x.getShape().get(1) / config.taskCount()),
                    perHead.mean(new int[] {1}), retrieve.mean(new int[] {1}), write.mean(new int[] {1}), perHead, retrieve, write);
        }
        return new InteractionResult(tokens, maps);
    }

    /**
     * (B, h, N, K*L) retrieve scores; the only place where kem and skem differ. The key
     * projections are folded into the small side: q_h (x W_k,h^T)^T = (q_h W_k,h) x^T projects
     * the N slots instead of all K*L tokens, and for skem x W_k^T W_p^T E = x (W_p W_k)^T E is one
     * d x K map. Same numbers as projecting the tokens, a fraction of the work for large L.
     */
    private NDArray retrieveScores(ParameterStore ps, NDArray slots, NDArray x, boolean training) {
        int h = config.heads();
        int d = config.dim();
        int dh = d / h;
        NDManager manager = x.getManager();
        NDArray q = apply(retrieveQuery, ps, slots, training); // (1, N, d), on the step's manager
        NDArray tokensT = x.expandDims(1).swapAxes(-1, -2); // (B, 1, d, K*L)
        NDArray keyWeight = weight(ps, retrieveKey, x, training); // W_k (d, d): k = x W_k^T
        if (etfProjection == null) {
            NDArray perHead = keyWeight.reshape(1, h, dh, d);
            NDArray slotKeys = AttentionOps.splitHeads(q, h).matMul(perHead); // (1, h, N, d)
            return AttentionOps.scale(slotKeys.matMul(tokensT), 1.0 / Math.sqrt(dh));
        }
        int vertices = config.etfColumns();
        NDArray e = manager.create(etf, new Shape(dh, vertices)).toDevice(x.getDevice(), false);
        NDArray combined = weight(ps, etfProjection, x, training).matMul(keyWeight); // W_p W_k
        NDArray keyMap = combined.reshape(h, dh, d).swapAxes(1, 2).matMul(e).expandDims(0); // (1, h, d, K)
        NDArray ke = x.expandDims(1).matMul(keyMap); // (B, h, K*L, K)
        NDArray qe = AttentionOps.splitHeads(apply(etfProjection, ps, q, training), h).matMul(e); // (1, h, N, K)
        return AttentionOps.scores(qe, ke, vertices);
    }

    /** A linear layer's weight as a view on the step's manager (so nothing derived leaks into the model's). */
    private static NDArray weight(ParameterStore ps, Linear layer, NDArray x, boolean training) {
        Parameter weight = layer.getParameters().get("weight");
        NDArray w = ps.getValue(weight, x.getDevice(), training).reshape(weight.getArray().getShape());
        w.attach(x.getManager());
        return w;
    }
}
