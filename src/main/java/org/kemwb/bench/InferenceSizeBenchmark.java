package org.kemwb.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NetOutput;
import org.kemwb.util.Json;

/**
 * Inference time and memory of one native model at one input size, batch 1, on the CPU: median
 * forward ms without and with attention maps, and the process's peak resident memory while
 * running them (reset after the model is built). One case per JVM, so the peak is the case's own
 * (bench/infer-size.sh runs the cases). Uses only APIs that predate non-square inputs, so the
 * same class measures an older commit at square sizes.
 *
 * <p>Arguments: interaction height width dim patch [repeats [stem/head]], stem/head as in the
 * model config ("patch/linear", the default, or "conv/upsample"). Prints one CSV row:
 * {@value #HEADER}.
 */
public final class InferenceSizeBenchmark {
    public static final String HEADER = "interaction,height,width,dim,patch,tokens_per_task,forward_ms,forward_attention_ms,"
            + "rss_model_mb,peak_rss_mb,architecture";

    private InferenceSizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int h = Integer.parseInt(args[1]);
        int w = Integer.parseInt(args[2]);
        int dim = Integer.parseInt(args[3]);
        int patch = Integer.parseInt(args[4]);
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        String[] architecture = (args.length > 6 ? args[6] : ModelConfig.STEM_PATCH + "/" + ModelConfig.HEAD_LINEAR).split("/");
        var node = Json.MAPPER.createObjectNode().put("interaction", kind).put("imageSize", Math.max(h, w)).put("patch", patch)
                .put("dim", dim).put("heads", 4).put("stem", architecture[0]).put("head", architecture[1]);
        node.set("tasks", Json.MAPPER.valueToTree(java.util.List.of("semseg", "depth", "normals")));
        if (h != w) {
            node.put("imageHeight", h).put("imageWidth", w);
        }
        ModelConfig config = ModelConfig.fromJson(node, "bench");
        try (LoadedModel model = LoadedModel.create(config, Device.cpu(), 1, null)) {
            float[] rgb = new float[3 * h * w];
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = r.nextFloat();
            }
            Shape image = new Shape(1, 3, h, w);
            for (int i = 0; i < 3; i++) { // JIT and allocator warm-up
                time(model, rgb, image, true);
            }
            long rssModel = ProcessMemory.rssBytes();
            ProcessMemory.resetPeak();
            double[] plain = new double[repeats];
            double[] withAttention = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                plain[i] = time(model, rgb, image, false);
                withAttention[i] = time(model, rgb, image, true);
            }
            long tokens = (long) (h / patch) * (w / patch);
            System.out.printf(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.1f,%.1f,%d,%d,%s%n", kind, h, w, dim, patch, tokens, median(plain),
                    median(withAttention), rssModel >> 20, ProcessMemory.peakBytes() >> 20, architecture[0] + "/" + architecture[1]);
        }
    }

    /** One inference, timed from the input array's creation to the results copied out. */
    private static double time(LoadedModel model, float[] rgb, Shape shape, boolean attention) {
        try (NDManager scope = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            NetOutput out = model.infer(scope, scope.create(rgb, shape), attention);
            out.outputs().forEach(a -> a.toFloatArray()); // results copied out, as the workbench does
            if (out.attention() != null) {
                out.attention().tokenAttention().toFloatArray();
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
