package org.kemwb.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.kemwb.model.Task;

/** Stacks samples of one size (height x width) into a {@link Batch} on a manager. */
public final class Batches {
    private Batches() {}

    public static Batch of(NDManager manager, List<Sample> samples, List<Task> tasks) {
        int b = samples.size();
        int h = samples.getFirst().height();
        int w = samples.getFirst().width();
        int n = h * w;
        float[] rgb = new float[b * 3 * n];
        float[] seg = new float[b * n];
        float[] depth = new float[b * n];
        float[] normals = new float[b * 3 * n];
        float[] edges = new float[b * n];
        float[] sal = new float[b * n];
        float[] parts = new float[b * n];
        for (int i = 0; i < b; i++) {
            Sample x = samples.get(i);
            if (x.height() != h || x.width() != w) {
                throw new IllegalArgumentException("samples of one batch must share a size: " + x.width() + "x" + x.height()
                        + " vs " + w + "x" + h);
            }
            System.arraycopy(x.rgb(), 0, rgb, i * 3 * n, 3 * n);
            System.arraycopy(x.depth(), 0, depth, i * n, n);
            System.arraycopy(x.normals(), 0, normals, i * 3 * n, 3 * n);
            for (int p = 0; p < n; p++) {
                seg[i * n + p] = x.semseg()[p];
                edges[i * n + p] = x.edges()[p] & 0xff; // 255 = no label
                sal[i * n + p] = x.saliency()[p] & 0xff;
                parts[i * n + p] = x.parts()[p];
            }
        }
        Map<Task, NDArray> labels = new EnumMap<>(Task.class);
        for (Task t : tasks) {
            labels.put(t, switch (t) {
                case SEMSEG -> manager.create(seg, new Shape(b, h, w));
                case PARTS -> manager.create(parts, new Shape(b, h, w));
                case DEPTH -> manager.create(depth, new Shape(b, 1, h, w));
                case NORMALS -> manager.create(normals, new Shape(b, 3, h, w));
                case EDGES -> manager.create(edges, new Shape(b, 1, h, w));
                case SALIENCY -> manager.create(sal, new Shape(b, 1, h, w));
            });
        }
        return new Batch(manager.create(rgb, new Shape(b, 3, h, w)), labels);
    }
}
