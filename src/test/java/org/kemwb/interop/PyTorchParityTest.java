package org.kemwb.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kemwb.io.Npy;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.NetOutput;
import org.kemwb.model.NpzWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed fixtures (interop/pytorch/make_fixtures.sh): the PyTorch twin's eager outputs on a
 * random input. The Java model with the same weights must reproduce them to 1e-4, including
 * the token attention, and the .params <-> .npz converter must be lossless.
 */
class PyTorchParityTest {
    static final Path DIR = Path.of("src", "test", "resources", "interop");

    @TempDir
    Path tmp;

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertEquals(0, worst, 1e-4, what + ": largest difference " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"skem", "ca", "nexusflow", "ctal"})
    void javaModelReproducesPyTorchEager(String kind) throws Exception {
        Npy.Array input = Npy.read(DIR.resolve(kind + "-expected").resolve("input.npy"));
        try (LoadedModel model = Checkpoint.load(DIR.resolve(kind + ".params"), Device.cpu());
                NDManager m = model.manager().newSubManager()) {
            NetOutput out = model.infer(m, m.create(input.data(), new Shape(input.shape())), true);
            NDList outputs = out.outputs();
            for (int t = 0; t < outputs.size(); t++) {
                Npy.Array expected = Npy.read(DIR.resolve(kind + "-expected").resolve("expected_" + t + ".npy"));
                assertEquals(new Shape(expected.shape()), outputs.get(t).getShape());
                assertClose(expected.data(), outputs.get(t).toFloatArray(), kind + " task " + t);
            }
            Npy.Array attention = Npy.read(DIR.resolve(kind + "-expected").resolve("expected_" + outputs.size() + ".npy"));
            if (attention.data().length == 0) {
                assertEquals(null, out.attention(), kind + " has no attention in either implementation");
            } else {
                assertClose(attention.data(), out.attention().tokenAttention().toFloatArray(), kind + " token attention");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"skem", "ca", "nexusflow", "ctal"})
    void paramsToNpzAndBackIsLossless(String kind) throws Exception {
        Path npz = tmp.resolve(kind + ".npz");
        Path back = tmp.resolve(kind + ".params");
        NpzWeights.convert(DIR.resolve(kind + ".params"), npz);
        NpzWeights.convert(npz, back);
        try (LoadedModel a = Checkpoint.load(DIR.resolve(kind + ".params"), Device.cpu());
                LoadedModel b = Checkpoint.load(back, Device.cpu())) {
            var pa = a.net().getParameters();
            var pb = b.net().getParameters();
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(pa.get(i).getValue().getArray().toFloatArray(), pb.get(i).getValue().getArray().toFloatArray(),
                        pa.get(i).getKey());
            }
        }
        // the committed npz (written by Java, read by PyTorch) loads back too
        try (LoadedModel c = NpzWeights.read(DIR.resolve(kind + ".npz"), Device.cpu())) {
            assertEquals(kind, c.config().interaction().id());
        }
        assertEquals(true, Files.size(npz) > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"skem", "ca", "nexusflow", "ctal"})
    void torchScriptExportRunsInTheWorkbench(String kind) throws Exception {
        Npy.Array input = Npy.read(DIR.resolve(kind + "-expected").resolve("input.npy"));
        int n = (int) (input.shape()[1] * input.shape()[2] * input.shape()[3]);
        float[] first = java.util.Arrays.copyOf(input.data(), n); // batch item 0
        try (var handle = org.kemwb.infer.ModelHandle.open(DIR.resolve(kind + ".pt"), Device.cpu())) {
            var p = handle.predict(first, true);
            for (int t = 0; t < p.outputs().size(); t++) {
                float[] expected = Npy.read(DIR.resolve(kind + "-expected").resolve("expected_" + t + ".npy")).data();
                assertClose(java.util.Arrays.copyOf(expected, p.outputs().get(t).length), p.outputs().get(t), kind + " TorchScript task " + t);
            }
            float[] attention = Npy.read(DIR.resolve(kind + "-expected").resolve("expected_" + p.outputs().size() + ".npy")).data();
            if (attention.length > 0) {
                assertClose(java.util.Arrays.copyOf(attention, p.tokenAttention().length), p.tokenAttention(), kind + " TorchScript attention");
            }
        }
    }

    /**
     * A model of the conv stem and upsampling heads born in PyTorch (interop/pytorch/make_conv_fixture.py,
     * saved as train.py saves its checkpoints; non-square 24 x 40) opens in the workbench and gives the
     * PyTorch eager outputs and attention to 1e-4; its stem and head parameters carry the PyTorch names.
     */
    @org.junit.jupiter.api.Test
    void pytorchConvUpsampleModelOpensAndReproducesItsOutputs() throws Exception {
        Path fixture = DIR.resolve("conv-upsample");
        Npy.Array input = Npy.read(fixture.resolve("input.npy"));
        try (LoadedModel model = NpzWeights.read(fixture.resolve("model.npz"), Device.cpu());
                NDManager m = model.manager().newSubManager()) {
            org.junit.jupiter.api.Assertions.assertTrue(model.config().convStem() && model.config().upsampleHead(), model.config().toString());
            assertEquals(24, model.config().height());
            assertEquals(40, model.config().width());
            NetOutput out = model.infer(m, m.create(input.data(), new Shape(input.shape())), true);
            for (int t = 0; t < out.outputs().size(); t++) {
                Npy.Array expected = Npy.read(fixture.resolve("expected_" + t + ".npy"));
                assertEquals(new Shape(expected.shape()), out.outputs().get(t).getShape());
                assertClose(expected.data(), out.outputs().get(t).toFloatArray(), "conv-upsample task " + t);
            }
            Npy.Array attention = Npy.read(fixture.resolve("expected_" + out.outputs().size() + ".npy"));
            assertClose(attention.data(), out.attention().tokenAttention().toFloatArray(), "conv-upsample token attention");

            String[] torchNames;
            try (var zip = new java.util.zip.ZipFile(fixture.resolve("model.npz").toFile())) {
                torchNames = new String(zip.getInputStream(zip.getEntry("names.txt")).readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8).split("\n");
            }
            var params = model.net().getParameters();
            assertEquals(params.size(), torchNames.length);
            int checked = 0;
            for (int i = 0; i < torchNames.length; i++) {
                String[] parts = torchNames[i].split("\\.");
                String module = parts.length >= 2 ? parts[parts.length - 2] : "";
                if ((torchNames[i].startsWith("stem.") || torchNames[i].startsWith("heads."))
                        && module.matches("conv_\\d+|up_\\d+|proj|out")) {
                    String leaf = module + "_" + parts[parts.length - 1];
                    org.junit.jupiter.api.Assertions.assertTrue(params.get(i).getKey().endsWith(leaf),
                            "parameter " + i + ": workbench " + params.get(i).getKey() + ", PyTorch " + torchNames[i]);
                    checked++;
                }
            }
            assertEquals(2 * (3 + 1) + 3 * 2 * (1 + 2 + 1), checked, "stem: 3 convs + proj; 3 heads: proj, 2 stages, out");
        }
        // and back: npz -> params -> npz keeps every value
        Path params = tmp.resolve("conv.params");
        NpzWeights.convert(fixture.resolve("model.npz"), params);
        try (LoadedModel a = NpzWeights.read(fixture.resolve("model.npz"), Device.cpu());
                LoadedModel b = Checkpoint.load(params, Device.cpu())) {
            assertEquals(a.config(), b.config());
            var pa = a.net().getParameters();
            var pb = b.net().getParameters();
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(pa.get(i).getValue().getArray().toFloatArray(), pb.get(i).getValue().getArray().toFloatArray(),
                        pa.get(i).getKey());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void foreignTorchScriptIsRefusedWithAMessage() throws Exception {
        Path pt = tmp.resolve("backbone.pt");
        try (var in = getClass().getResourceAsStream("/torchscript/tiny_backbone.pt")) {
            Files.copy(in, pt);
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> org.kemwb.infer.ModelHandle.open(pt, Device.cpu()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not a workbench export"), e.getMessage());
        // with a config beside it, it still fails the interface check, naming the file
        Files.copy(DIR.resolve("ca.pt.json"), tmp.resolve("backbone.pt.json"));
        var e2 = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> org.kemwb.infer.ModelHandle.open(pt, Device.cpu()));
        org.junit.jupiter.api.Assertions.assertTrue(e2.getMessage().contains("backbone.pt") && e2.getMessage().contains("interface"),
                e2.getMessage());
    }
}
