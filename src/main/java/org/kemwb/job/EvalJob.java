package org.kemwb.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.kemwb.data.FolderDataset;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.model.Devices;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NpzWeights;
import org.kemwb.train.Augment;
import org.kemwb.train.Evaluator;

/**
 * Scores a checkpoint on a labelled set, as a {@link Job}: the val split of a dataset folder, or
 * held-out synthetic scenes ({@code kemwb eval} and the workbench's "Evaluate on a set" window
 * both run this). Progress counts the images read, then the images scored; a cancel stops
 * between images or batches and the job returns null.
 */
public final class EvalJob implements Job<EvalJob.Outcome> {
    /** Batch size of the scoring passes. */
    public static final int BATCH = 8;

    /** Where the labelled images come from. */
    public record Data(Path folder, int count, long dataSeed, int first) {
        /** The val split of a dataset folder ({@link FolderDataset}). */
        public static Data folder(Path folder) {
            return new Data(folder, 0, 0, 0);
        }

        /** {@code count} synthetic scenes from index {@code first} of the scenes of {@code dataSeed}. */
        public static Data synthetic(int count, long dataSeed, int first) {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1 (got " + count + ")");
            }
            return new Data(null, count, dataSeed, first);
        }

        /** "val split of FOLDER" or "64 synthetic scenes (seed 1, from 100000)". */
        public String describe() {
            return folder != null ? "val split of " + folder
                    : count + " synthetic scenes (seed " + dataSeed + ", from " + first + ")";
        }
    }

    /** What the evaluation measured, with the model's config (classes, tasks) and the set it ran on. */
    public record Outcome(Path checkpoint, ModelConfig config, Data set, int images, Evaluator.Result result) {}

    private final Path checkpoint;
    private final String device;
    private final Data set;
    private final MetricConvention convention;

    public EvalJob(Path checkpoint, String device, Data set, MetricConvention convention) {
        this.checkpoint = checkpoint;
        this.device = device;
        this.set = set;
        this.convention = convention;
    }

    @Override
    public String title() {
        return "Evaluating " + checkpoint.getFileName();
    }

    /**
     * The labelled samples of a set at the model's size (height x width), each fitted with its
     * aspect kept and padded (letterbox, padding ignored by the metrics), as validation during
     * training sees them ({@link Augment#fit}); synthetic scenes are rendered square at the
     * model's larger side first.
     *
     * @throws IOException naming the folder or file that could not be read
     */
    public static List<Sample> samples(ModelConfig config, Data set, JobListener listener) throws IOException {
        int h = config.height();
        int w = config.width();
        List<Sample> out = new ArrayList<>();
        if (set.folder() != null) {
            FolderDataset data = new FolderDataset(set.folder(), "val", EnumSet.copyOf(config.tasks()), config.semsegClasses(),
                    config.partsClasses());
            for (int i = 0; i < data.size() && !listener.isCancelled(); i++) {
                out.add(Augment.fit(data.loadNative(i), h, w));
                listener.progress(i + 1, 2L * data.size());
            }
        } else {
            SyntheticScenes scenes = new SyntheticScenes(set.dataSeed());
            int side = Math.max(h, w);
            for (int i = 0; i < set.count() && !listener.isCancelled(); i++) {
                out.add(Augment.fit(scenes.render(set.first() + i, side), h, w));
                listener.progress(i + 1, 2L * set.count());
            }
        }
        return out;
    }

    @Override
    public Outcome run(JobListener listener) throws Exception {
        listener.message("Loading " + checkpoint.getFileName());
        try (LoadedModel model = NpzWeights.readAny(checkpoint, Devices.resolve(device))) {
            listener.message("Reading " + set.describe());
            List<Sample> samples = samples(model.config(), set, listener);
            if (listener.isCancelled()) {
                return null;
            }
            int n = samples.size();
            listener.message("Scoring " + n + " images");
            Evaluator.Result result = Evaluator.run(model, samples, BATCH, convention, done -> listener.progress(n + done, 2L * n),
                    listener::isCancelled);
            return result == null ? null : new Outcome(checkpoint, model.config(), set, n, result);
        }
    }
}
