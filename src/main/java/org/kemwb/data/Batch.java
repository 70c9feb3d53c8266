package org.kemwb.data;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.kemwb.model.Task;

/**
 * A training or evaluation batch on one NDManager. Images (B,3,H,W) in [0,1]; labels per task:
 * semseg/parts (B,H,W) class index with 255 = ignore; depth (B,1,H,W) metres, 0 = invalid;
 * normals (B,3,H,W) unit vectors, 0 = invalid; edges (B,1,H,W) 0/1; saliency (B,1,H,W) 0/1.
 */
public record Batch(NDArray images, Map<Task, NDArray> labels) {
    public NDArray label(Task task) {
        NDArray l = labels.get(task);
        if (l == null) {
            throw new IllegalArgumentException("batch has no labels for task " + task);
        }
        return l;
    }

    public int size() {
        return (int) images.getShape().get(0);
    }
}
