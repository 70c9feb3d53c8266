package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kemwb.card.CardException;
import org.kemwb.card.ModelCard;
import org.kemwb.cli.KemwbCli;
import org.kemwb.util.Json;

/**
 * Bad input around card models: each is refused with one line naming the file and what is
 * wrong (fixtures: interop/pytorch/make_bad_card_fixtures.py and the tiny model).
 */
class CardBadInputTest {
    static final Path BAD = Path.of("src", "test", "resources", "org", "kemwb", "card", "bad");
    static final Path TINY = Path.of("src", "test", "resources", "org", "kemwb", "card", "tiny");

    @TempDir
    Path tmp;

    static String card(String input, String tasks) {
        return "{\"input\": " + input + ", \"tasks\": " + tasks + "}";
    }

    private Path withCard(Path model, String cardJson) throws IOException {
        Path pt = tmp.resolve("model.pt");
        Files.copy(model, pt);
        Files.writeString(tmp.resolve("model.card.json"), cardJson);
        return pt;
    }

    private static String refusal(Path pt) {
        Exception e = assertThrows(IOException.class, () -> {
            try (CardModel m = CardModel.load(pt, Device.cpu())) {
                m.forward(new float[3 * m.card().input().height() * m.card().input().width()], m.card().input().height(), m.card().input().width());
            }
        });
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        assertTrue(msg.startsWith(pt.toString()), "names the file: " + msg);
        return msg;
    }

    @Test
    void stateDictInsteadOfTorchScript() throws Exception {
        String seg = "[{\"name\": \"s\", \"kind\": \"segmentation\", \"preset\": \"parts7\"}]";
        for (String f : new String[] {"state_dict.pt", "state_dict_legacy.pt"}) {
            Path pt = withCard(BAD.resolve(f), card("{\"height\": 8, \"width\": 8}", seg));
            String msg = refusal(pt);
            assertTrue(msg.contains("a state dict, not TorchScript") && msg.contains("export it with interop/pytorch/export_model.py"), msg);
            Files.delete(pt);
        }
    }

    @Test
    void truncatedAndDamagedFiles() throws Exception {
        byte[] good = Files.readAllBytes(TINY.resolve("model.pt"));
        Path pt = withCard(TINY.resolve("model.pt"), Files.readString(TINY.resolve("model.card.json")));
        Files.write(pt, Arrays.copyOf(good, good.length / 2));
        assertTrue(refusal(pt).contains(": damaged: "));

        // one byte flipped inside the stored weights: the zip still opens, the checksum does not match
        byte[] bad = good.clone();
        long offset;
        try (ZipFile zip = new ZipFile(TINY.resolve("model.pt").toFile())) {
            ZipEntry biggest = zip.stream().max((a, b) -> Long.compare(a.getSize(), b.getSize())).orElseThrow();
            byte[] name = biggest.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            offset = indexOf(good, name) + name.length + 200; // inside that entry's data
        }
        bad[(int) offset] ^= 0x5a;
        Files.write(pt, bad);
        String msg = refusal(pt);
        assertTrue(msg.contains(": damaged: entry ") && msg.contains("checksum"), msg);

        Files.write(pt, "not a model at all".getBytes());
        assertTrue(refusal(pt).contains(": damaged: not a TorchScript archive"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("entry name not found");
    }

    @Test
    void cardThatDoesNotMatchTheOutputs() throws Exception {
        String tinyCard = Files.readString(TINY.resolve("model.card.json"));
        // count: one task fewer than the model returns
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(tinyCard);
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("attention")).remove(1);
        Path pt = withCard(TINY.resolve("model.pt"), tree.toString());
        String msg = refusal(pt);
        assertTrue(msg.contains("the model gives 4 outputs, its card model.card.json names 2 tasks + 1 attention outputs"), msg);
        Files.delete(pt);

        // shape: 21 classes in the card, 40 channels in the model
        pt = withCard(TINY.resolve("model.pt"), tinyCard.replace("\"nyud40\"", "\"pascal-context\""));
        msg = refusal(pt);
        assertTrue(msg.contains("output 0 (semseg): shape (1, 40, 16, 24), the card needs (1, 21, <=64, <=96)"), msg);
        Files.delete(pt);

        // attention layout: 4x5 grid in the card, 4x6 tokens in the model
        pt = withCard(TINY.resolve("model.pt"), tinyCard.replaceFirst("\\[\\s*4,\\s*6\\s*\\]", "[4, 5]"));
        msg = refusal(pt);
        assertTrue(msg.contains("output 2 (encoder): shape (1, 2, 29, 29), the card needs (1, heads, 25, 29)"), msg);
        Files.delete(pt);

        // dtype: the module returns float64
        pt = withCard(BAD.resolve("float64_output.pt"),
                card("{\"height\": 8, \"width\": 16}", "[{\"name\": \"n\", \"kind\": \"normals\", \"axes\": [\"right\", \"down\", \"backward\"]}]"));
        msg = refusal(pt);
        assertTrue(msg.contains("output 0 (n): dtype float64, the card needs float32"), msg);
    }

    @Test
    void failureInsideTorchScriptGivesTheInterpretersErrorLine() throws Exception {
        Path pt = withCard(BAD.resolve("matmul_fails.pt"),
                card("{\"height\": 128, \"width\": 128}", "[{\"name\": \"e\", \"kind\": \"edges\", \"values\": \"logits\"}]"));
        String msg = refusal(pt);
        assertTrue(msg.contains("the TorchScript module failed: mat1 and mat2 shapes cannot be multiplied (384x128 and 64x64)"), msg);
    }

    @Test
    void nonFiniteOutputsAreRefusedNotDrawn() throws Exception {
        Path pt = withCard(BAD.resolve("nan_output.pt"),
                card("{\"height\": 8, \"width\": 8, \"mean\": [0, 0, 0], \"std\": [1, 1, 1]}", "[{\"name\": \"d\", \"kind\": \"depth\", \"unit\": \"metres\"}]"));
        try (CardModel m = CardModel.load(pt, Device.cpu())) {
            float[] x = new float[3 * 64];
            for (int i = 0; i < 5; i++) {
                x[i] = 1; // 5 of the first channel's 64 pixels > 0.5
            }
            IOException e = assertThrows(IOException.class, () -> m.forward(x, 8, 8));
            assertEquals(pt + ": output 0 (d): 5 of 64 values are NaN or infinite", e.getMessage());
            assertEquals(64, m.forward(new float[3 * 64], 8, 8).data().get(0).length, "finite outputs pass");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top key|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}], 'colour': 1}|colour: unknown key",
        "unknown input key|{'input': {'height': 8, 'width': 8, 'heigth': 8}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.heigth: unknown key",
        "range|{'input': {'height': 8, 'width': 8, 'range': 100}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.range: 100: must be 1 or 255",
        "std zero|{'input': {'height': 8, 'width': 8, 'std': [1, 0, 1]}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.std[1]: 0: must be in (0, 1]",
        "mean length|{'input': {'height': 8, 'width': 8, 'mean': [0.5, 0.5]}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.mean: has 2 entries, must have 3",
        "height|{'input': {'height': 0, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.height: 0: must be in [1, 8192]",
        "size twice|{'input': {'height': 8, 'width': 8, 'multipleOf': 32}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.multipleOf: give either",
        "channels|{'input': {'height': 8, 'width': 8, 'channels': 'RGBA'}, 'tasks': [{'name': 's', 'kind': 'depth', 'unit': 'metres'}]}|input.channels: 'RGBA': must be one of RGB, BGR",
        "kind|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'dpeth'}]}|tasks[0].kind: 'dpeth': must be one of segmentation, depth, normals, edges, saliency",
        "depth key of segmentation|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'segmentation', 'preset': 'parts7', 'unit': 'metres'}]}|tasks[0].unit: unknown key",
        "preset|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'segmentation', 'preset': 'nyud41'}]}|tasks[0].preset: 'nyud41': must be one of nyud40, pascal-context, parts7",
        "colour|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 's', 'kind': 'segmentation', 'classes': [{'name': 'a', 'colour': 'red'}, 'b']}]}|tasks[0].classes[0].colour: 'red': must be #rrggbb",
        "axes|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'n', 'kind': 'normals', 'axes': ['right', 'left', 'up']}]}|tasks[0].axes[1]: 'left' is parallel to another axis",
        "edge values|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'e', 'kind': 'edges', 'values': 'scores'}]}|tasks[0].values: 'scores': must be one of logits, probabilities",
        "depth scale|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'd', 'kind': 'depth', 'scale': -1}]}|tasks[0].scale: -1: must be in (0, 1000000]",
        "task twice|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}, {'name': 'd', 'kind': 'edges', 'values': 'logits'}]}|tasks[1].name: 'd' appears twice",
        "heads|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}], 'attention': [{'name': 'a', 'heads': 'mean', 'rows': {'groups': [{'grid': [2, 2]}]}, 'columns': {'groups': [{'grid': [2, 2]}]}}]}|attention[0].heads: 'mean': must be one of kept, averaged",
        "group task|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}], 'attention': [{'name': 'a', 'heads': 'kept', 'rows': {'groups': [{'task': 'semseg', 'grid': [2, 2]}]}, 'columns': {'groups': [{'grid': [2, 2]}]}}]}|attention[0].rows.groups[0].task: 'semseg' is not a task of this card (d)",
        "grid|{'input': {'height': 8, 'width': 8}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}], 'attention': [{'name': 'a', 'heads': 'kept', 'rows': {'prefix': -1, 'groups': [{'grid': [2, 2]}]}, 'columns': {'groups': [{'grid': [2, 2]}]}}]}|attention[0].rows.prefix: -1: must be in [0, 4096]",
        "no tasks|{'input': {'height': 8, 'width': 8}, 'tasks': []}|tasks: has 0 entries, must have 1 to 64",
        "grid and patch|{'input': {'multipleOf': 16}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}], 'attention': [{'name': 'a', 'heads': 'kept', 'rows': {'groups': [{'grid': [2, 2], 'patch': 8}]}, 'columns': {'groups': [{'patch': 8}]}}]}|attention[0].rows.groups[0]: give exactly one of \"grid\": [gh, gw] (fixed) or \"patch\": P",
        "patch over input|{'input': {'height': 8, 'width': 16}, 'tasks': [{'name': 'd', 'kind': 'depth', 'unit': 'metres'}], 'attention': [{'name': 'a', 'heads': 'kept', 'rows': {'groups': [{'patch': 4}]}, 'columns': {'groups': [{'patch': 16}]}}]}|attention[0].columns.groups[0].patch: 16 px: larger than the input (8x16)",
    })
    void badCardKeysAndValues(String what, String json, String expected) throws Exception {
        Path file = tmp.resolve("m.card.json");
        Files.writeString(file, json.replace('\'', '"'));
        CardException e = assertThrows(CardException.class, () -> ModelCard.load(file));
        assertEquals(file + ": " + expected, e.getMessage().substring(0, Math.min(e.getMessage().length(), (file + ": " + expected).length())), what);
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void invalidJsonAndTheCliLine() throws Exception {
        Path pt = withCard(TINY.resolve("model.pt"), "{\"input\": {\"height\": 64,");
        StringWriter err = new StringWriter();
        Path photo = tmp.resolve("p.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
        int rc = KemwbCli.execute(new PrintWriter(err, true), "infer", "--checkpoint", pt.toString(), "--out", tmp.resolve("out").toString(), photo.toString());
        assertEquals(2, rc);
        String line = err.toString().strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("kemwb: " + tmp.resolve("model.card.json") + ": not valid JSON"), line);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }
}
