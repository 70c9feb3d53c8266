package org.kemwb.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.kemwb.data.Sample;
import org.kemwb.model.Task;

/**
 * Partially supervised multi-task data: image i keeps the labels of {@code perImage} of the
 * tasks, drawn from (seed, i), so a resumed run and every method of a comparison see the same
 * labels. The other tasks' labels are replaced by "no label" and their losses skip the image.
 */
public final class PartialLabels {
    private final List<Task> tasks;
    private final int perImage;
    private final long seed;

    public PartialLabels(List<Task> tasks, int perImage, long seed) {
        if (perImage < 1 || perImage > tasks.size()) {
            throw new IllegalArgumentException("labels per image must be in [1, " + tasks.size() + "], got " + perImage);
        }
        this.tasks = List.copyOf(tasks);
        this.perImage = perImage;
        this.seed = seed;
    }

    /** The tasks image {@code index} has labels for. */
    public Set<Task> labelled(int index) {
        List<Task> order = new ArrayList<>(tasks);
        Collections.shuffle(order, new Random(seed * 1_000_003L + index * 7919L + 17));
        return EnumSet.copyOf(order.subList(0, perImage));
    }

    /** Replaces every sample by its partially labelled version, in place. */
    public void applyTo(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            samples.set(i, samples.get(i).withLabelsOnly(labelled(i)));
        }
    }
}
