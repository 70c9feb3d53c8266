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
