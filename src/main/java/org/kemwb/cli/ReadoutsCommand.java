package org.kemwb.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kemwb.infer.MemoryReadouts;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;
import org.kemwb.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kemwb readouts}: where a model's interaction reads from, over a set of images ({@link MemoryReadouts}). */
@Command(name = "readouts", mixinStandardHelpOptions = true,
        description = "Attention mass between tasks, and for kem/skem the tokens the memory slots read (distinct tokens, "
                + "position repeat across images, most-read positions, per-head task share), over a set of images.")
public final class ReadoutsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Parameters(arity = "0..*", description = "Images to measure on; without any, --count held-out synthetic scenes.")
    List<Path> images = new ArrayList<>();
    @Mixin
    HeldOutScenes scenes;
    @Option(names = "--top", defaultValue = "10", description = "Most-read tokens to list (default: ${DEFAULT-VALUE}).")
    int top;
    @Option(names = "--out", description = "Also write the report to this text file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path checkpoint = modelOptions.checkpoint;
        try (LoadedModel model = modelOptions.open()) {
            int size = model.config().imageSize();
            List<float[]> rgb = new ArrayList<>();
            if (images.isEmpty()) {
                scenes.render(size).forEach(s -> rgb.add(s.rgb()));
            } else {
                rgb.addAll(MemoryReadouts.readImages(images, model.config()));
            }
            String text = report(checkpoint, model, rgb, top);
            System.out.print(text);
            if (out != null) {
                AtomicFiles.writeString(out, text);
            }
        }
        return 0;
    }

    /**
     * The read-outs report as {@code kemwb readouts} and {@code kemwb eval} print it: a heading
     * naming the checkpoint and its interaction, then {@link MemoryReadouts#format}.
     *
     * @param rgb planar RGB in [0, 1] at the model's size, one per image
     */
    static String report(Path checkpoint, LoadedModel model, List<float[]> rgb, int top) {
        MemoryReadouts.Report report = MemoryReadouts.measure(model, rgb, top);
        var c = model.config();
        boolean slots = c.interaction() == org.kemwb.model.InteractionKind.KEM || c.interaction() == org.kemwb.model.InteractionKind.SKEM;
        // N and k are the memory's slots and reads: only kem and skem have a memory
        return (slots ? String.format(Locale.ROOT, "%s (%s, N %d, k %d)%n", checkpoint, c.interaction().id(), c.slots(), c.topK())
                : String.format(Locale.ROOT, "%s (%s)%n", checkpoint, c.interaction().id()))
                + MemoryReadouts.format(report, model.config().tasks().stream().map(Task::id).toList());
    }

    /** Whether the interaction has attention to read out (ca, kem, skem, ctal; not none or nexusflow). */
    static boolean hasReadouts(org.kemwb.model.InteractionKind kind) {
        return kind != org.kemwb.model.InteractionKind.NONE && kind != org.kemwb.model.InteractionKind.NEXUSFLOW;
    }
}
