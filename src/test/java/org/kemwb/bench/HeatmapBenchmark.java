package org.kemwb.bench;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.kemwb.infer.Prediction;
import org.kemwb.model.ModelConfig;
import org.kemwb.ui.Pictures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Attention-page update while the mouse moves: for a target token, the K source-task rows
 * of two models are cut from the precomputed attention and drawn as 200 px heatmaps (the work
 * the page does per move; target under 16 ms). Run: bench/run-jmh.sh
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeatmapBenchmark {
    @Param({"64", "128"})
    int imageSize;

    Prediction prediction;

    @Setup
    public void setup() {
        ModelConfig cfg = ModelConfig.defaults().withSize(imageSize, 64);
        int kl = cfg.taskCount() * cfg.tokens();
        float[] att = new float[kl * kl];
        Random rnd = new Random(1);
        for (int i = 0; i < att.length; i++) {
            att[i] = rnd.nextFloat() / kl;
        }
        prediction = new Prediction(cfg, org.kemwb.infer.Letterbox.fit(cfg.height(), cfg.width(), cfg.height(), cfg.width()),
                List.of(), att, null, null, 0);
    }

    @Benchmark
    public Object updateForOneMouseMove() {
        int side = prediction.gridWidth();
        Object last = null;
        for (int model = 0; model < 2; model++) {
            for (int s = 0; s < prediction.config().taskCount(); s++) {
                float[] row = prediction.attentionRow(0, s, side / 2, side / 3);
                float max = 0;
                for (float v : row) {
                    max = Math.max(max, v);
                }
                last = Pictures.tokenHeatmap(row, prediction, max, 200, 200);
            }
        }
        return last;
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
