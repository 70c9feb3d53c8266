package org.kemwb.train;

import org.kemwb.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.kemwb.model.Task;

/** Per-task training losses, following the conventions of the public MTL code bases. */
public final class Losses {
    public static final int IGNORE = org.kemwb.data.Sample.IGNORE;
    /** Positive-class weight of the edge BCE (MTI-Net / ATRC convention). */
    static final float EDGE_POS_WEIGHT = 0.95f;

    private Losses() {}

    /** Scalar loss of one task's output (B,C,H,W) against its label. */
    public static NDArray of(Task task, NDArray output, NDArray label) {
        return switch (task) {
            case SEMSEG, PARTS -> crossEntropy(output, label);
            case DEPTH -> depthL1(output, label);
            case NORMALS -> normalsCosine(output, label);
            case EDGES -> weightedBce(output, label);
            case SALIENCY -> bce(output, label);
        };
    }

    /** Mean cross-entropy over pixels whose label is not 255. */
    static NDArray crossEntropy(NDArray logits, NDArray label) {
        int classes = (int) logits.getShape().get(1);
        NDArray valid = label.neq(IGNORE);
        NDArray safe = NDArrays.where(valid, label, label.zerosLike()).toType(DataType.INT64, false);
        NDArray oneHot = safe.oneHot(classes, DataType.FLOAT32).transpose(0, 3, 1, 2);
        NDArray logp = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1});
        NDArray mask = valid.toType(DataType.FLOAT32, false);
        return logp.mul(mask).sum().neg().div(Scalars.maximum(mask.sum(), 1));
    }

    static NDArray depthL1(NDArray pred, NDArray gt) {
        NDArray mask = gt.gt(0f).toType(DataType.FLOAT32, false);
        return pred.sub(gt).abs().mul(mask).sum().div(Scalars.maximum(mask.sum(), 1));
    }

    /** 1 - cosine between unit prediction and label, over pixels with a label. */
    static NDArray normalsCosine(NDArray pred, NDArray gt) {
        NDArray mask = gt.abs().sum(new int[] {1}).gt(0f).toType(DataType.FLOAT32, false);
        NDArray cos = pred.mul(gt).sum(new int[] {1});
        return Scalars.oneMinus(cos).mul(mask).sum().div(Scalars.maximum(mask.sum(), 1));
    }

    /** Numerically stable BCE with logits, per pixel. */
    static NDArray bcePerPixel(NDArray logit, NDArray y) {
        return Activation.relu(logit).sub(logit.mul(y)).add(Scalars.add(logit.abs().neg().exp(), 1).log());
    }

    static NDArray bce(NDArray logit, NDArray label) {
        NDArray valid = label.neq(IGNORE).toType(DataType.FLOAT32, false);
        NDArray y = label.mul(valid);
        return bcePerPixel(logit, y).mul(valid).sum().div(Scalars.maximum(valid.sum(), 1));
    }

    /** Class-balanced BCE over pixels with a label (not 255), normalised by their count. */
    static NDArray weightedBce(NDArray logit, NDArray label) {
        NDArray valid = label.neq(IGNORE).toType(DataType.FLOAT32, false);
        NDArray y = label.mul(valid);
        NDArray w = Scalars.mul(y, EDGE_POS_WEIGHT).add(Scalars.mul(Scalars.oneMinus(y), 1f - EDGE_POS_WEIGHT)).mul(valid);
        return bcePerPixel(logit, y).mul(w).sum().div(Scalars.maximum(valid.sum(), 1));
    }
}
