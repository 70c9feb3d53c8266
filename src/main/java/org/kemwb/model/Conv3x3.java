package org.kemwb.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * 3x3 convolution with bias, zero padding 1, stride 1 or 2, on (B, C, H, W) with H and W
 * divisible by the stride: out (B, O, H/s, W/s), out[o, y, x] = bias[o] + sum over c, ky, kx of
 * weight[o, c, ky, kx] * in[c, s y + ky - 1, s x + kx - 1]. Parameters as torch.nn.Conv2d:
 * {@code weight} (O, C, 3, 3), {@code bias} (O); weights He-normal N(0, 2 / (9 C)) (He et al.
 * 2015), for the GELU that follows; bias 0.
 *
 * <p>Computed from slicing, concatenation and matMul, whose gradients the rest of the model
 * already relies on: when C <= O as im2col (the nine shifted, strided views of the padded input
 * stacked, times the weights as an (O, 9C) matrix), else on the output side (the input times the
 * weights as a (9O, C) matrix, then the nine shifted, strided views of that, padded, summed),
 * whichever moves fewer values. DJL 0.33's Conv2d gave sporadically
 * different, sometimes NaN, input gradients for the same step in this project's tests (no Number
 * scalars involved), so it is not used.
 */
public final class Conv3x3 extends AbstractBlock {
    private final int filters;
    private final int stride;
    private final Parameter weight;
    private final Parameter bias;

    public Conv3x3(int filters, int stride) {
        if (stride != 1 && stride != 2) {
            throw new IllegalArgumentException("stride must be 1 or 2, got " + stride);
        }
        this.filters = filters;
        this.stride = stride;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2))
                .build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1), 3, 3));
        bias.setShape(new Shape(filters));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = ps.getValue(weight, device, training);
        NDArray b = ps.getValue(bias, device, training);
        // views of the parameters moved to the step's manager (as in MultiTaskNet.positions): what is
        // computed from them then lives and dies with the step instead of accumulating in the model's manager
        NDArray bias4 = b.reshape(1, filters, 1, 1);
        bias4.attach(x.getManager());
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long wd = s.get(3);
        long oh = h / stride;
        long ow = wd / stride;
        if (c <= filters) {
            NDArray padded = pad(x);
            NDList taps = new NDList(9);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    taps.add(padded.get(tap(":, :, ", ky, kx, oh, ow)));
                }
            }
            NDArray patches = NDArrays.stack(taps, 2).reshape(n, c * 9, oh * ow); // row c*9 + ky*3 + kx
            NDArray matrix = w.reshape(filters, c * 9);
            matrix.attach(x.getManager());
            NDArray y = matrix.matMul(patches).reshape(n, filters, oh, ow);
            return new NDList(y.add(bias4));
        }
        // z[tap*O + o] = sum_c w[o, c, tap] x[c]; out[o, y, x] = sum_tap zpad[tap*O + o, s y + ky, s x + kx]
        NDArray taps = w.transpose(2, 3, 0, 1);
        taps.attach(x.getManager());
        NDArray matrix = taps.reshape(9L * filters, c);
        NDArray z = matrix.matMul(x.reshape(n, c, h * wd)).reshape(n, 9L * filters, h, wd);
        NDArray padded = pad(z);
        NDArray y = null;
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int t = ky * 3 + kx;
                NDArray part = padded.get(tap(":, " + (long) t * filters + ":" + (long) (t + 1) * filters + ", ", ky, kx, oh, ow));
                y = y == null ? part : y.add(part);
            }
        }
        return new NDList(y.add(bias4));
    }

    /** (B, C, H, W) -> (B, C, H + 2, W + 2) with a border of zeros. */
    private static NDArray pad(NDArray x) {
        Shape s = x.getShape();
        NDArray rows = x.getManager().zeros(new Shape(s.get(0), s.get(1), 1, s.get(3)), x.getDataType(), x.getDevice());
        NDArray padded = NDArrays.concat(new NDList(rows, x, rows), 2);
        NDArray cols = x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2) + 2, 1), x.getDataType(), x.getDevice());
        return NDArrays.concat(new NDList(cols, padded, cols), 3);
    }

    /** The strided window of tap (ky, kx) in a padded map, oh x ow outputs; {@code lead} selects the leading axes. */
    private NDIndex tap(String lead, int ky, int kx, long oh, long ow) {
        return new NDIndex(lead + ky + ":" + (ky + stride * (oh - 1) + 1) + ":" + stride + ", " + kx + ":"
                + (kx + stride * (ow - 1) + 1) + ":" + stride);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), filters, s.get(2) / stride, s.get(3) / stride)};
    }
}
