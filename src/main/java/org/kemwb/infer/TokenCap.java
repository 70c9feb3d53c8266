package org.kemwb.infer;

import java.util.Locale;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;

/**
 * The largest input a native model is run at. Every attention of the model holds a score matrix
 * of heads x T x T float32 values: T = L tokens per task in each task's encoder and decoder
 * blocks, and T = K * L for cross-task attention ({@code ca}), which attends over the tokens of
 * all K tasks at once. A 4000x3000 photo at its own size with patch 8 has L = 187,500 tokens; its
 * per-task attention alone would need 140 GB. Such inputs are refused before anything is
 * allocated, with the size that fits (aspect kept), rather than silently shrunk: {@code
 * --input-size image} asks for the photo's own resolution, and quietly running at another one
 * would give outputs the user did not ask for.
 */
public final class TokenCap {
    private TokenCap() {}

    /** Largest attention score matrix one forward may build: 2^28 float32 scores, 1 GiB. */
    public static final long MAX_SCORES = 1L << 28;

    /** Tokens one attention attends over at L tokens per task: K * L for ca, else L. */
    public static long attendedTokens(ModelConfig c, long tokensPerTask) {
        return c.interaction() == InteractionKind.CA ? c.taskCount() * tokensPerTask : tokensPerTask;
    }

    /** Scores of the model's largest attention matrix at gh x gw tokens per task: heads x T^2. */
    public static long scores(ModelConfig c, int gridHeight, int gridWidth) {
        long t = attendedTokens(c, (long) gridHeight * gridWidth);
        return c.heads() * t * t;
    }

    /**
     * Checks a model input of modelHeight x modelWidth pixels.
     *
     * @throws IllegalArgumentException with one line giving the token count, the limit and the
     *     largest input of the same aspect that fits (multiples of the patch)
     */
    public static void check(ModelConfig c, int modelHeight, int modelWidth) {
        int p = c.patch();
        int gh = modelHeight / p;
        int gw = modelWidth / p;
        long scores = scores(c, gh, gw);
        if (scores <= MAX_SCORES) {
            return;
        }
        long l = (long) gh * gw;
        int[] fit = largestFitting(c, modelHeight, modelWidth);
        String attended = c.interaction() == InteractionKind.CA
                ? String.format(Locale.ROOT, " (ca attends over %d tasks x %d = %d tokens)", c.taskCount(), l, attendedTokens(c, l)) : "";
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "input %dx%d (HxW) is %d tokens per task (%d x %d patches of %d px)%s: one attention map would hold %.3g scores,"
                        + " over the limit of %d (%d MiB of float32); use --input-size %dx%d or smaller (aspect kept) or --input-size model",
                modelHeight, modelWidth, l, gh, gw, p, attended, (double) scores, MAX_SCORES, MAX_SCORES * 4 / (1 << 20), fit[0], fit[1]));
    }

    /**
     * The largest height x width (multiples of the patch, at least one patch each) with about the
     * aspect of h x w whose attention fits {@link #MAX_SCORES}.
     */
    public static int[] largestFitting(ModelConfig c, int h, int w) {
        int p = c.patch();
        double tokensPerTask = Math.sqrt((double) MAX_SCORES / c.heads()) / (c.interaction() == InteractionKind.CA ? c.taskCount() : 1);
        // gh * gw <= tokens with gh / gw = h / w
        int gw = Math.max(1, (int) Math.floor(Math.sqrt(tokensPerTask * w / h)));
        int gh = Math.max(1, (int) Math.floor((double) gw * h / w));
        while (scores(c, gh, gw) > MAX_SCORES && (gh > 1 || gw > 1)) {
            if (gw >= gh && gw > 1) {
                gw--;
            } else {
                gh--;
            }
        }
        return new int[] {gh * p, gw * p};
    }
}
