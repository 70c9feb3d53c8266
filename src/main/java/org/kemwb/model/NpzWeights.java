package org.kemwb.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.kemwb.io.Npy;
import org.kemwb.util.AtomicFiles;
import org.kemwb.util.Json;

/**
 * Exchange format with PyTorch: a NumPy {@code .npz} holding {@code config.json} and every
 * parameter as {@code NNNN.npy} in model order (the PyTorch twin registers its parameters in the
 * same order; {@code interop/pytorch} maps them to state_dict names) plus {@code names.txt} with
 * the workbench's names. Reading checks count and shapes and names the first mismatch.
 */
public final class NpzWeights {
    private NpzWeights() {}

    public static void write(LoadedModel model, Path file) throws IOException {
        List<Pair<String, Parameter>> params = model.net().getParameters().stream().toList();
        byte[] config = Json.MAPPER.writeValueAsBytes(model.config());
        AtomicFiles.write(file, raw -> {
            try (ZipOutputStream zip = new ZipOutputStream(raw)) {
                zip.putNextEntry(new ZipEntry("config.json"));
                zip.write(config);
                StringBuilder names = new StringBuilder();
                for (int i = 0; i < params.size(); i++) {
                    NDArray a = params.get(i).getValue().getArray();
                    zip.putNextEntry(new ZipEntry(String.format("%04d.npy", i)));
                    zip.write(Npy.bytes(a.toFloatArray(), a.getShape().getShape()));
                    names.append(params.get(i).getKey()).append('\n');
                }
                zip.putNextEntry(new ZipEntry("names.txt"));
                zip.write(names.toString().getBytes(StandardCharsets.UTF_8));
                zip.finish();
            }
        });
    }

    /** Builds the model of the npz's config and copies its weights in. */
    public static LoadedModel read(Path file, Device device) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry cfg = zip.getEntry("config.json");
            if (cfg == null) {
                throw new CheckpointException(file, "has no config.json entry");
            }
            ModelConfig config = ModelConfig.fromJson(Json.MAPPER.readTree(zip.getInputStream(cfg)), file + ": config.json");
            LoadedModel model = LoadedModel.create(config, device, 0, file.toAbsolutePath().getParent());
            try {
                List<Pair<String, Parameter>> params = model.net().getParameters().stream().toList();
                for (int i = 0; i < params.size(); i++) {
                    String entry = String.format("%04d.npy", i);
                    ZipEntry e = zip.getEntry(entry);
                    String name = params.get(i).getKey();
                    if (e == null) {
                        throw new CheckpointException(file, "parameter '" + name + "' (" + entry + ") is missing");
                    }
                    Npy.Array a = Npy.read(zip.getInputStream(e).readAllBytes(), file + "!" + entry);
                    NDArray target = params.get(i).getValue().getArray();
                    if (!new Shape(a.shape()).equals(target.getShape())) {
                        throw new CheckpointException(file, "parameter '" + name + "' (" + entry + ") has shape "
                                + new Shape(a.shape()) + " but the config builds " + target.getShape());
                    }
                    try (NDManager scratch = model.manager().newSubManager()) {
                        WeightCopy.into(target, scratch.create(a.data(), target.getShape()));
                    }
                }
                if (zip.getEntry(String.format("%04d.npy", params.size())) != null) {
                    throw new CheckpointException(file, "has more parameters than its config builds (" + params.size() + ")");
                }
                return model;
            } catch (IOException | RuntimeException ex) {
                model.close();
                throw ex;
            }
        }
    }

    /**
     * The native weights of a file, by its extension: {@code .npz} (the PyTorch twin, train.py) or a
     * workbench {@code .params} checkpoint. Every command and page that opens native weights uses this.
     */
    public static LoadedModel readAny(Path file, Device device) throws IOException {
        return file.getFileName().toString().endsWith(".npz") ? read(file, device) : Checkpoint.load(file, device);
    }

    /** Checkpoint to npz or back, chosen by the extensions. */
    public static void convert(Path from, Path to) throws IOException {
        boolean toNpz = to.getFileName().toString().endsWith(".npz");
        try (LoadedModel m = readAny(from, Device.cpu())) {
            if (toNpz) {
                write(m, to);
            } else {
                Checkpoint.save(m, to, Map.of("converted_from", from.getFileName().toString()));
            }
        }
    }
}
