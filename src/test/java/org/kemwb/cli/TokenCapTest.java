package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.infer.TokenCap;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/**
 * {@code kemwb infer --input-size image} on a 4000x3000 photo would need attention over 187,500
 * tokens per task: refused in one line naming the photo, the token count and the limit, with
 * nothing written; the limit itself checked against its closed form.
 */
class TokenCapTest {
    @TempDir
    Path dir;

    static ModelConfig config(InteractionKind kind, int heads) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), kind, 32, 8, 16, heads, 1, 1, 2, 4, 2, 1.0, 6, 5,
                7L, ModelConfig.STEM, 0, false).validated("test");
    }

    @Test
    void theLimitIsOneGibibyteOfScoresPerAttentionMap() {
        // one head, per-task attention: L^2 <= 2^28 means L <= 16384 tokens = 128 x 128 patches of 8 px
        ModelConfig kem = config(InteractionKind.KEM, 1);
        TokenCap.check(kem, 1024, 1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenCap.check(kem, 1032, 1024));
        assertTrue(e.getMessage().contains("16512 tokens per task"), e.getMessage());
        // two heads: half the scores each, so L <= 16384 / sqrt(2) = 11585
        assertThrows(IllegalArgumentException.class, () -> TokenCap.check(config(InteractionKind.KEM, 2), 1024, 1024));
        // ca attends over 3 tasks at once: (3L)^2 <= 2^28 means L <= 5461
        ModelConfig ca = config(InteractionKind.CA, 1);
        TokenCap.check(ca, 8 * 73, 8 * 74); // 5402 tokens
        assertThrows(IllegalArgumentException.class, () -> TokenCap.check(ca, 8 * 74, 8 * 74)); // 5476
    }

    @Test
    void theSuggestedSizeFitsKeepsTheAspectAndIsTheLargest() {
        for (ModelConfig c : List.of(config(InteractionKind.KEM, 1), config(InteractionKind.CA, 1), config(InteractionKind.KEM, 4))) {
            int[] fit = TokenCap.largestFitting(c, 3000, 4000);
            int gh = fit[0] / 8;
            int gw = fit[1] / 8;
            assertTrue(TokenCap.scores(c, gh, gw) <= TokenCap.MAX_SCORES, c.interaction() + " " + fit[0] + "x" + fit[1]);
            assertTrue(TokenCap.scores(c, gh + 1, gw + 1) > TokenCap.MAX_SCORES, "one patch more per side no longer fits");
            assertEquals(0.75, (double) gh / gw, 0.02, "aspect 3:4 kept");
            TokenCap.check(c, fit[0], fit[1]);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aHugePhotoAtItsOwnSizeIsRefusedInOneLineWithNothingWritten() throws Exception {
        Path model = dir.resolve("kem.params");
        try (LoadedModel m = LoadedModel.create(config(InteractionKind.KEM, 1), Device.cpu(), 1, null)) {
            Checkpoint.save(m, model, Map.of());
        }
        Path small = dir.resolve("small.png");
        ImageIO.write(new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB), "png", small.toFile());
        Path photo = dir.resolve("photo.png");
        ImageIO.write(new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), "infer", "--checkpoint", model.toString(), "--input-size", "image",
                "--out", out.toString(), small.toString(), photo.toString());
        String msg = err.toString().trim();
        assertEquals(2, code, msg);
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains(photo.toString()) && msg.contains("3000x4000 HxW"), "names the photo: " + msg);
        assertTrue(msg.contains("187500 tokens per task"), "375 x 500 patches of 8 px: " + msg);
        assertTrue(msg.contains("268435456"), "the limit: " + msg);
        // closed form: L <= 16384 with gh / gw = 3 / 4 gives gw = floor(sqrt(16384 * 4 / 3)) = 147, gh = floor(147 * 3 / 4) = 110
        assertTrue(msg.contains("--input-size 880x1176"), "a size that fits: " + msg);
        assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "nothing written, not even for the small image");
    }
}
