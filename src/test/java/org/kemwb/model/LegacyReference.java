package org.kemwb.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.kemwb.infer.OutputImages;

/**
 * The fingerprint of a square model that {@link LegacyCheckpointTest} compares against: the
 * outputs (every {@value #STRIDE}th value of all tasks' maps, task order) and, when the model has
 * attention, its K x K task mass and every {@value #STRIDE}th token-attention value, for one fixed
 * input (uniform noise from {@code java.util.Random(1234)}, (1, 3, S, S)). The committed
 * {@code src/test/resources/legacy/*.npy} files were written by {@link #main} at commit 3a6889e,
 * before non-square inputs existed; rerunning it today must not be used to refresh them.
 */
final class LegacyReference {
    static final int STRIDE = 17;

    private LegacyReference() {}

    static float[] input(int size) {
        Random r = new Random(1234);
        float[] rgb = new float[3 * size * size];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        return rgb;
    }

    static float[] fingerprint(LoadedModel model) {
        int s = model.config().imageSize();
        List<Float> values = new ArrayList<>();
        try (NDManager scope = model.manager().newSubManager()) {
            NetOutput out = model.infer(scope, scope.create(input(s), new Shape(1, 3, s, s)), true);
            for (int t = 0; t < out.outputs().size(); t++) {
                float[] o = out.outputs().get(t).toFloatArray();
                for (int i = 0; i < o.length; i += STRIDE) {
                    values.add(o[i]);
                }
            }
            if (out.attention() != null) {
                for (float v : out.attention().taskMass().toFloatArray()) {
                    values.add(v);
                }
                float[] a = out.attention().tokenAttention().toFloatArray();
                for (int i = 0; i < a.length; i += STRIDE) {
                    values.add(a[i]);
                }
            }
        }
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }

    static float[] readReference(Path npy) throws IOException {
        byte[] bytes = Files.readAllBytes(npy);
        int header = 10 + ((bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
        float[] f = new float[(bytes.length - header) / 4];
        ByteBuffer.wrap(bytes, header, bytes.length - header).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** Writes the references: args = checkpoint files, then the output folder last. */
    public static void main(String[] args) throws Exception {
        Path outDir = Path.of(args[args.length - 1]);
        if (args[0].equals("--tiny")) {
            // small square patch-stem/linear-head checkpoints of every interaction (none: one task)
            for (InteractionKind kind : List.of(InteractionKind.CTAL, InteractionKind.NEXUSFLOW, InteractionKind.CA,
                    InteractionKind.KEM, InteractionKind.SKEM, InteractionKind.NONE)) {
                List<Task> tasks = kind == InteractionKind.NONE ? List.of(Task.DEPTH) : List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS);
                ModelConfig c = new ModelConfig(tasks, kind, 32, 8, 16, 2, 1, 1, 2,
                        6, 2, 1.0, 5, 3, 9L, ModelConfig.STEM, 0, false).validated("tiny");
                try (LoadedModel m = LoadedModel.create(c, Device.cpu(), 3, null)) {
                    Checkpoint.save(m, outDir.resolve("tiny-" + kind.id() + ".params"), java.util.Map.of());
                }
            }
            return;
        }
        for (int i = 0; i < args.length - 1; i++) {
            Path file = Path.of(args[i]);
            try (LoadedModel m = Checkpoint.load(file, Device.cpu())) {
                float[] f = fingerprint(m);
                String name = file.getFileName().toString().replace(".params", ".npy");
                OutputImages.writeNpy(f, new long[] {f.length}, outDir.resolve(name));
                System.out.println(name + " " + f.length + " values");
            }
        }
    }
}
