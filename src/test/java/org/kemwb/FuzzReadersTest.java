package org.kemwb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.kemwb.io.ImageDecoder;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated inputs for the image, checkpoint and run-folder readers: each either reads
 * or fails with the expected, clean exception (IOException / IllegalArgumentException), never
 * anything else.
 */
class FuzzReadersTest {
    @TempDir
    Path dir;

    static byte[] mutate(byte[] valid, Random rnd) {
        byte[] b = valid.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> { // flip a few bytes
                for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
            case 2 -> { // random bytes
                b = new byte[rnd.nextInt(2048)];
                rnd.nextBytes(b);
            }
            default -> { // overwrite a block
                int at = rnd.nextInt(b.length);
                for (int i = at; i < Math.min(b.length, at + 16); i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }

    interface Reader {
        void read(Path file) throws Exception;
    }

    int fuzz(byte[] valid, String name, int count, Reader reader) throws Exception {
        Random rnd = new Random(name.hashCode());
        int failures = 0;
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve(i + "-" + name);
            Files.write(f, mutate(valid, rnd));
            try {
                reader.read(f);
            } catch (IOException | IllegalArgumentException expected) {
                failures++;
            } catch (Throwable t) {
                throw new AssertionError("input " + i + " for " + name + " threw " + t, t);
            } finally {
                Files.delete(f);
            }
        }
        return failures;
    }

    @Test
    void imageReader() throws Exception {
        var img = new java.awt.image.BufferedImage(32, 24, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xff0000);
        for (String format : List.of("png", "jpg", "bmp")) {
            Path f = dir.resolve("ok." + format);
            javax.imageio.ImageIO.write(img, format, f.toFile());
            int failed = fuzz(Files.readAllBytes(f), "x." + format, 700, p -> ImageDecoder.read(p).resize(16, 16));
            assertTrue(failed > 0, "mutations were rejected sometimes: " + failed);
        }
    }

    @Test
    void checkpointReader() throws Exception {
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 16, 8, 8, 1, 1, 1, 1, 2, 1,
                1.0, 3, 3, 7L, ModelConfig.STEM, 0, false);
        Path ok = dir.resolve("ok.params");
        try (LoadedModel model = LoadedModel.create(m, Device.cpu(), 1, null)) {
            Checkpoint.save(model, ok, Map.of("step", "3"));
        }
        byte[] valid = Files.readAllBytes(ok);
        fuzz(valid, "h.params", 2000, Checkpoint::readHeader);
        fuzz(valid, "l.params", 400, p -> {
            try (LoadedModel loaded = Checkpoint.load(p, Device.cpu())) {
                loaded.config();
            }
        });
    }

    @Test
    void runFolderReader() throws Exception {
        Path run = dir.resolve("run");
        TrainingRun.create(run, TrainConfig.defaults());
        Files.writeString(run.resolve("metrics.csv"), "step,kind,lr,loss\n1,train,0.1,2.0\n2,train,0.1,1.9\n2,eval,,\n");
        byte[] json = Files.readAllBytes(run.resolve("run.json"));
        byte[] csv = Files.readAllBytes(run.resolve("metrics.csv"));
        Random rnd = new Random(9);
        for (int i = 0; i < 800; i++) {
            Files.write(run.resolve("run.json"), i % 2 == 0 ? mutate(json, rnd) : json);
            Files.write(run.resolve("metrics.csv"), i % 2 == 1 ? mutate(csv, rnd) : csv);
            try {
                TrainingRun.open(run);
                TrainingRun.readMetrics(run);
            } catch (IOException | IllegalArgumentException expected) {
                // clean refusal
            } catch (Throwable t) {
                throw new AssertionError("mutation " + i + " threw " + t, t);
            }
        }
    }
}
