package org.kemwb.train;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.kemwb.data.Sample;
import org.kemwb.model.Task;

/**
 * Partially supervised multi-task data: image i keeps the label of task t with probability
 * {@code fraction}, decided by (seed, i, t) alone, so a resumed run, every method of a
 * comparison and a single-task baseline all see the same labels of a task. The other labels are
 * replaced by "no label" and their losses skip the image.
 */
public final class PartialLabels {
    private final List<Task> tasks;
    private final double fraction;
    private final long seed;

    public PartialLabels(List<Task> tasks, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("label fraction must be in (0, 1], got " + fraction);
        }
        this.tasks = List.copyOf(tasks);
        this.fraction = fraction;
        this.seed = seed;
    }

    /** Whether image {@code index} has a label for {@code task}. */
    public boolean labelled(int index, Task task) {
        long mixed = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + (task.ordinal() + 1) * 0x165667B19E3779F9L;
        return new SplittableRandom(mixed).nextDouble() < fraction;
    }

    /** The tasks (of this run) image {@code index} has labels for. */
    public Set<Task> labelled(int index) {
        Set<Task> out = EnumSet.noneOf(Task.class);
        for (Task t : tasks) {
            if (labelled(index, t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Replaces every sample by its partially labelled version, in place. */
    public void applyTo(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            samples.set(i, samples.get(i).withLabelsOnly(labelled(i)));
        }
    }
}
