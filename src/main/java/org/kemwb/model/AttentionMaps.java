package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Attention of one interaction forward pass, averaged over heads. Tokens are the K*L tokens
 * of all tasks in task order, so rows/columns [t*L, (t+1)*L) belong to task t.
 *
 * @param kind the interaction that produced it
 * @param tasks K
 * @param tokensPerTask L
 * @param tokenAttention (B, K*L, K*L): row i says where token i's update came from. For
 *     {@code ca} the softmax matrix itself; for {@code kem}/{@code skem} the effective
 *     attention A_w A_r (write then retrieve). Rows sum to 1.
 * @param retrieve (B, N, K*L) KEM retrieve weights, or null for {@code ca}
 * @param write (B, K*L, N) KEM write weights, or null for {@code ca}
 * @param headTokenAttention (B, h, K*L, K*L) the token attention of every head before the head
 *     mean (rows sum to 1), or null where the interaction does not keep it
 * @param retrieveHeads (B, h, N, K*L) KEM retrieve weights of every head; exactly k entries of
 *     each row are non-zero (the tokens that slot reads). Null for {@code ca}
 * @param writeHeads (B, h, K*L, N) KEM write weights of every head (row i: how token i's
 *     write-back reads the N slots of that head; rows sum to 1). Null for {@code ca}
 */
public record AttentionMaps(InteractionKind kind, int tasks, int tokensPerTask, NDArray tokenAttention,
        NDArray retrieve, NDArray write, NDArray headTokenAttention, NDArray retrieveHeads, NDArray writeHeads) {

    /** Maps without per-head arrays. */
    public AttentionMaps(InteractionKind kind, int tasks, int tokensPerTask, NDArray tokenAttention, NDArray retrieve,
            NDArray write) {
        this(kind, tasks, tokensPerTask, tokenAttention, retrieve, write, null, null, null);
    }

    /** Maps with per-head token attention and retrieve weights but no per-head write weights. */
    public AttentionMaps(InteractionKind kind, int tasks, int tokensPerTask, NDArray tokenAttention, NDArray retrieve,
            NDArray write, NDArray headTokenAttention, NDArray retrieveHeads) {
        this(kind, tasks, tokensPerTask, tokenAttention, retrieve, write, headTokenAttention, retrieveHeads, null);
    }

    /**
     * (B, K, K): entry [t, s] is the mass task t's tokens take from task s's tokens, averaged
     * over t's tokens. Each row sums to 1.
     */
    public NDArray taskMass() {
        long b = tokenAttention.getShape().get(0);
        // (B, K, L, K, L) -> sum over source tokens, mean over target tokens
        return tokenAttention.reshape(b, tasks, tokensPerTask, tasks, tokensPerTask).sum(new int[] {4}).mean(new int[] {2});
    }

    /** (B, L, K*L) rows of task t. */
    public NDArray ofTask(int t) {
        return tokenAttention.get(new NDIndex(":, {}:{}, :", (long) t * tokensPerTask, (long) (t + 1) * tokensPerTask));
    }
}
