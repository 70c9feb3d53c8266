package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kemwb.data.Batches;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.Task;
import org.kemwb.util.ConfigException;

class PartialLabelsTest {
    static final List<Task> ALL = List.of(Task.values());

    static long channels(Task t) {
        return switch (t) {
            case SEMSEG -> 6;
            case PARTS -> 5;
            case NORMALS -> 3;
            default -> 1;
        };
    }

    /**
     * A task's loss over [image A without that task's label, image B] equals its loss over
     * [B] alone: the unlabelled image contributes nothing, and B is not down-weighted.
     */
    @Test
    void anImageWithoutATasksLabelAddsNothingToThatTasksLoss() {
        EngineSetup.init();
        SyntheticScenes scenes = new SyntheticScenes(4);
        Sample a = scenes.render(0, 32);
        Sample b = scenes.render(1, 32);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (Task task : ALL) {
                Sample aWithout = a.withLabelsOnly(EnumSet.complementOf(EnumSet.of(task)));
                NDArray out = m.randomNormal(new Shape(2, channels(task), 32, 32));
                if (task == Task.NORMALS) {
                    out = out.div(out.norm(new int[] {1}, true));
                }
                float pair = Losses.of(task, out, Batches.of(m, List.of(aWithout, b), ALL).label(task)).getFloat();
                float alone = Losses.of(task, out.get(new NDIndex("1:2")), Batches.of(m, List.of(b), ALL).label(task)).getFloat();
                assertEquals(alone, pair, 1e-5 * Math.max(1, Math.abs(alone)), task + " without A's label");
                float both = Losses.of(task, out, Batches.of(m, List.of(a, b), ALL).label(task)).getFloat();
                assertTrue(Math.abs(both - alone) > 1e-4, task + ": A's label does count when present");
                Sample aKept = a.withLabelsOnly(EnumSet.of(task));
                float kept = Losses.of(task, out, Batches.of(m, List.of(aKept, b), ALL).label(task)).getFloat();
                assertEquals(both, kept, 1e-6, task + ": a kept label is unchanged");
            }
        }
    }

    @Test
    void eachTaskKeepsTheRequestedFractionAndASingleTaskRunSeesTheSameLabels() {
        List<Task> tasks = List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS);
        PartialLabels third = new PartialLabels(tasks, 1 / 3.0, 7);
        PartialLabels semsegOnly = new PartialLabels(List.of(Task.SEMSEG), 1 / 3.0, 7);
        int[] counts = new int[Task.values().length];
        int n = 6000;
        for (int i = 0; i < n; i++) {
            Set<Task> l = third.labelled(i);
            assertEquals(l, new PartialLabels(tasks, 1 / 3.0, 7).labelled(i), "same seed, same labels");
            assertEquals(l.contains(Task.SEMSEG), semsegOnly.labelled(i).contains(Task.SEMSEG),
                    "the single-task baseline sees the same semseg labels");
            l.forEach(t -> counts[t.ordinal()]++);
        }
        for (Task t : tasks) {
            assertEquals(n / 3.0, counts[t.ordinal()], 4 * Math.sqrt(n * (1 / 3.0) * (2 / 3.0)), t + " labelled on a third of the images");
        }
        assertEquals(tasks.size(), new PartialLabels(tasks, 1.0, 7).labelled(5).size(), "fraction 1 keeps everything");
        Sample full = new SyntheticScenes(1).render(0, 16);
        for (int index = 0; index < 8; index++) {
            List<Sample> samples = new ArrayList<>(java.util.Collections.nCopies(index + 1, full));
            third.applyTo(samples);
            Set<Task> kept = third.labelled(index);
            Sample partial = samples.get(index);
            assertEquals(kept.contains(Task.DEPTH), java.util.Arrays.equals(full.depth(), partial.depth()));
            assertEquals(kept.contains(Task.SEMSEG), java.util.Arrays.equals(full.semseg(), partial.semseg()));
            assertEquals(kept.contains(Task.NORMALS), java.util.Arrays.equals(full.normals(), partial.normals()));
        }
    }

    @Test
    void labelFractionIsChecked() {
        TrainConfig c = TrainConfig.defaults();
        assertEquals(0.5, c.withLabelFraction(0.5).validated("t").labelFraction());
        ConfigException e = assertThrows(ConfigException.class, () -> c.withLabelFraction(0).validated("t"));
        assertTrue(e.getMessage().contains("t: labelFraction = 0"), e.getMessage());
    }
}
