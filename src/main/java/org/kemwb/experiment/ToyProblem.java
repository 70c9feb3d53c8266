package org.kemwb.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.kemwb.model.AttentionOps;

/**
 * One batch of the toy-noise task. Every sample draws two latent vectors u, v ~ N(0, I_m).
 * Task 1 sees L tokens a_i = u + j e_i, task 2 sees L tokens b_i = v + j e'_i (e, e' ~ N(0, I_m),
 * j the per-token jitter), task 3 is L tokens of pure noise n_i ~ N(0, s^2 I_d) given directly in
 * the token space of width d. Task 1 must output v and task 2 must output u: each signal task's
 * answer lies only in the other signal task's tokens, and nothing about u or v is in task 3.
 *
 * @param a (B, L, m) task 1 tokens
 * @param b (B, L, m) task 2 tokens
 * @param noise (B, L, d) task 3 tokens
 * @param u (B, m) task 1 latent = task 2 target
 * @param v (B, m) task 2 latent = task 1 target
 */
public record ToyProblem(NDArray a, NDArray b, NDArray noise, NDArray u, NDArray v) {

    /** Draws a batch from the engine's current random state (seed it first for reproducibility). */
    public static ToyProblem sample(NDManager m, int batch, int tokens, int signalDim, int dim, double jitter,
            double noise) {
        NDArray u = m.randomNormal(new Shape(batch, signalDim));
        NDArray v = m.randomNormal(new Shape(batch, signalDim));
        return new ToyProblem(tokens(m, u, tokens, jitter), tokens(m, v, tokens, jitter), noise(m, batch, tokens, dim, noise),
                u, v);
    }

    /** (B, L, m): the latent repeated on every token plus jitter. */
    static NDArray tokens(NDManager m, NDArray latent, int tokens, double jitter) {
        Shape shape = new Shape(latent.getShape().get(0), tokens, latent.getShape().get(1));
        NDArray e = m.randomNormal(shape);
        return latent.expandDims(1).add(AttentionOps.scale(e, jitter));
    }

    /** (B, L, d) noise tokens of standard deviation s. */
    static NDArray noise(NDManager m, int batch, int tokens, int dim, double s) {
        return AttentionOps.scale(m.randomNormal(new Shape(batch, tokens, dim)), s);
    }

    /**
     * Attaches every array to {@code scope} until it closes (then they return to their manager),
     * so that everything computed from them is freed with the scope.
     */
    public ToyProblem tempAttach(NDManager scope) {
        for (NDArray x : new NDArray[] {a, b, noise, u, v}) {
            x.tempAttach(scope);
        }
        return this;
    }

    /** The same batch with task 3's tokens replaced. */
    public ToyProblem withNoise(NDArray otherNoise) {
        return new ToyProblem(a, b, otherNoise, u, v);
    }

    /** The same batch with task 1 (latent and tokens) replaced by {@code other}'s. */
    public ToyProblem withTask1(ToyProblem other) {
        return new ToyProblem(other.a, b, noise, other.u, v);
    }

    /** The same batch with task 2 (latent and tokens) replaced by {@code other}'s. */
    public ToyProblem withTask2(ToyProblem other) {
        return new ToyProblem(a, other.b, noise, u, other.v);
    }

    /** (B, 2, m): the targets of tasks 1 and 2, v and u. */
    public NDArray targets() {
        return v.expandDims(1).concat(u.expandDims(1), 1);
    }

    /**
     * Per signal task the mean squared error over samples and dimensions divided by the target's
     * variance (1: the latents are N(0, 1)). 1 = predicting the mean 0; 0 = exact.
     *
     * @param predictions (B, 2, m)
     */
    public NDList loss(NDArray predictions) {
        NDArray err = predictions.sub(targets()).square();
        return new NDList(err.get(new NDIndex(":, 0, :")).mean(), err.get(new NDIndex(":, 1, :")).mean());
    }
}
