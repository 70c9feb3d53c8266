package org.kemwb.cli;

import java.util.ArrayList;
import java.util.List;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.util.ConfigException;
import picocli.CommandLine.Option;

/**
 * Options and rendering of held-out synthetic scenes, shared by {@code kemwb eval} and
 * {@code kemwb readouts} (a picocli mixin): scenes {@code first .. first + count - 1} of
 * {@code SyntheticScenes(dataSeed)}. The default first index, 100000, lies far beyond the scenes
 * a training run uses (0 .. trainImages + valImages - 1).
 */
final class HeldOutScenes {
    @Option(names = "--count", defaultValue = "64", description = "Held-out synthetic scenes (default: ${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--data-seed", defaultValue = "1", description = "Seed of the synthetic scenes (default: ${DEFAULT-VALUE}).")
    long dataSeed;
    @Option(names = "--first", defaultValue = "100000",
            description = "Index of the first scene (default: ${DEFAULT-VALUE}, far from the training scenes).")
    int first;

    /** The scenes at {@code size} x {@code size} pixels; a bad count or first index fails naming the option. */
    List<Sample> render(int size) {
        ConfigException.checkRange("--count", count, 1, 1_000_000);
        ConfigException.checkRange("--first", first, 0, Integer.MAX_VALUE - (long) count);
        SyntheticScenes scenes = new SyntheticScenes(dataSeed);
        List<Sample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(scenes.render(first + i, size));
        }
        return out;
    }

    /** The same scenes as the set of an evaluation job (rendered there at the model's size); bad options fail naming them. */
    org.kemwb.job.EvalJob.Data asEvalSet() {
        ConfigException.checkRange("--count", count, 1, 1_000_000);
        ConfigException.checkRange("--first", first, 0, Integer.MAX_VALUE - (long) count);
        return org.kemwb.job.EvalJob.Data.synthetic(count, dataSeed, first);
    }
}
