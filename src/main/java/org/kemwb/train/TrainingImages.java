package org.kemwb.train;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.List;
import org.kemwb.data.FolderDataset;
import org.kemwb.data.Sample;

/**
 * The training images of a run by index, before augmentation: rendered scenes held in memory, or
 * the images of a dataset folder at their own size, read on demand and kept under soft references
 * (a NYUD-v2 image with all labels at 480x640 takes about 12 MB, so a whole split need not fit on
 * the heap; the garbage collector drops cached images under memory pressure and they are read
 * again). With partial labels, image i keeps only the labels {@link PartialLabels} gives it.
 */
final class TrainingImages {
    private interface Loader {
        Sample load(int index) throws IOException;
    }

    private final int count;
    private final Loader loader;
    private final PartialLabels partial;
    private final SoftReference<Sample>[] cache;

    @SuppressWarnings("unchecked")
    private TrainingImages(int count, Loader loader, PartialLabels partial) {
        this.count = count;
        this.loader = loader;
        this.partial = partial;
        this.cache = new SoftReference[count];
    }

    /** Images already in memory. */
    static TrainingImages of(List<Sample> samples, PartialLabels partial) {
        return new TrainingImages(samples.size(), samples::get, partial);
    }

    /**
     * A dataset folder's images at their own size; every image is read once here, so a missing or
     * bad file fails the run before its first step (the message names the file).
     */
    static TrainingImages of(FolderDataset dataset, PartialLabels partial) throws IOException {
        TrainingImages images = new TrainingImages(dataset.size(), dataset::loadNative, partial);
        for (int i = 0; i < images.count; i++) {
            images.get(i);
        }
        return images;
    }

    int size() {
        return count;
    }

    /** Image {@code index} with the labels it has in this run. */
    Sample get(int index) throws IOException {
        SoftReference<Sample> ref = cache[index];
        Sample s = ref == null ? null : ref.get();
        if (s == null) {
            s = loader.load(index);
            if (partial != null) {
                s = s.withLabelsOnly(partial.labelled(index));
            }
            cache[index] = new SoftReference<>(s);
        }
        return s;
    }
}
