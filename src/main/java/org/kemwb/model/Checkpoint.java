package org.kemwb.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kemwb.util.AtomicFiles;
import org.kemwb.util.Json;

/**
 * A checkpoint file ({@code .params}): a header with the model config JSON that builds the
 * model and free-form metadata (step, run), then every parameter by its full block path, with
 * shape and DJL's own NDArray encoding. Loading rebuilds the model from its own config and
 * refuses a file whose parameters do not match what that config builds, naming the first
 * mismatched parameter. Writing is atomic.
 */
public final class Checkpoint {
    static final byte[] MAGIC = "KEMWB-PARAMS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Refuse absurd lengths early instead of allocating them (corrupt or foreign files). */
    private static final int MAX_BLOB = 1 << 30;

    private Checkpoint() {}

    /** Header of a checkpoint: the config and metadata, read without touching the weights. */
    public record Header(ModelConfig config, Map<String, String> metadata) {}

    public static void save(LoadedModel model, Path file, Map<String, String> metadata) throws IOException {
        org.kemwb.util.UiThreadGuard.check("checkpoint write");
        byte[] config = Json.MAPPER.writeValueAsBytes(model.config());
        List<Pair<String, Parameter>> params = model.net().getParameters().stream().toList();
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.write(MAGIC);
            out.writeInt(VERSION);
            writeBlob(out, config);
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(params.size());
            for (Pair<String, Parameter> p : params) {
                NDArray array = p.getValue().getArray();
                out.writeUTF(p.getKey());
                long[] shape = array.getShape().getShape();
                out.writeInt(shape.length);
                for (long s : shape) {
                    out.writeLong(s);
                }
                writeBlob(out, array.encode());
            }
            out.flush();
        });
    }

    public static Header readHeader(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            return readHeader(in, file);
        }
    }

    /** Loads a checkpoint onto a device, rebuilding the model from the config inside it. */
    public static LoadedModel load(Path file, Device device) throws IOException {
        org.kemwb.util.UiThreadGuard.check("model load");
        try (DataInputStream in = open(file)) {
            Header header = readHeader(in, file);
            LoadedModel model = LoadedModel.create(header.config(), device, 0, file.toAbsolutePath().getParent());
            try {
                readParameters(in, file, model);
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    private static void readParameters(DataInputStream in, Path file, LoadedModel model) throws IOException {
        List<Pair<String, Parameter>> expected = model.net().getParameters().stream().toList();
        String current = "(parameter count)";
        try {
            int count = in.readInt();
            NDManager manager = model.manager();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                current = name;
                int rank = in.readInt();
                if (rank < 0 || rank > 8) {
                    throw new CheckpointException(file, "parameter '" + name + "' has invalid rank " + rank);
                }
                long[] shape = new long[rank];
                for (int r = 0; r < rank; r++) {
                    shape[r] = in.readLong();
                }
                if (i >= expected.size()) {
                    throw new CheckpointException(file, "parameter '" + name + "' is not built by the checkpoint's config"
                            + " (file has " + count + " parameters, config builds " + expected.size() + ")");
                }
                Pair<String, Parameter> target = expected.get(i);
                if (!target.getKey().equals(name)) {
                    throw new CheckpointException(file, "parameter '" + name + "' found where the config builds '"
                            + target.getKey() + "'");
                }
                Shape want = target.getValue().getArray().getShape();
                if (!Arrays.equals(want.getShape(), shape)) {
                    throw new CheckpointException(file, "parameter '" + name + "' has shape " + new Shape(shape)
                            + " but the config builds " + want);
                }
                byte[] blob = readBlob(in, file, name);
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray decoded;
                    try {
                        decoded = scratch.decode(blob);
                    } catch (RuntimeException e) {
                        throw new CheckpointException(file, "parameter '" + name + "' cannot be decoded: " + e.getMessage());
                    } catch (OutOfMemoryError e) {
                        // DJL's decoder allocates what the blob's own header declares (a damaged rank or
                        // dimension asks for gigabytes); the blob itself is small (readBlob bounds it), so
                        // this is damage, not a lack of memory
                        throw new CheckpointException(file, "parameter '" + name + "' is damaged: its encoded header declares"
                                + " more data than its " + blob.length + " bytes");
                    }
                    if (!decoded.getShape().equals(want)) {
                        throw new CheckpointException(file, "parameter '" + name + "' holds data of shape "
                                + decoded.getShape() + " but the config builds " + want);
                    }
                    WeightCopy.into(target.getValue().getArray(), decoded);
                }
            }
            if (count != expected.size()) {
                throw new CheckpointException(file, "parameter '" + expected.get(count).getKey()
                        + "' built by the config is missing from the file (file has " + count + " of " + expected.size() + ")");
            }
        } catch (EOFException e) {
            throw new CheckpointException(file, "file is truncated (it ends inside parameter '" + current + "')");
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, not a checkpoint file");
        }
        if (!Files.exists(file)) {
            throw new CheckpointException(file, "no such file");
        }
        if (!Files.isReadable(file)) {
            throw new CheckpointException(file, "cannot be read (permission denied)");
        }
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    }

    private static Header readHeader(DataInputStream in, Path file) throws IOException {
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException(file, "is not a KEM Workbench checkpoint (bad magic header)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file, "has format version " + version + ", this build reads " + VERSION);
            }
            byte[] configBytes = readBlob(in, file, "(config)");
            ModelConfig config;
            try {
                JsonNode node = Json.MAPPER.readTree(configBytes);
                config = ModelConfig.fromJson(node, "config");
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "its model config is invalid: " + e.getMessage());
            } catch (IOException e) {
                throw new CheckpointException(file, "its model config is not valid JSON: " + Json.firstLine(e.getMessage()));
            }
            int metaCount = in.readInt();
            if (metaCount < 0 || metaCount > 10_000) {
                throw new CheckpointException(file, "has a corrupt metadata count " + metaCount);
            }
            Map<String, String> meta = new LinkedHashMap<>();
            for (int i = 0; i < metaCount; i++) {
                meta.put(in.readUTF(), in.readUTF());
            }
            return new Header(config, meta);
        } catch (EOFException e) {
            throw new CheckpointException(file, "file is truncated (it ends inside the header)");
        }
    }

    private static void writeBlob(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] readBlob(DataInputStream in, Path file, String what) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_BLOB) {
            throw new CheckpointException(file, "has a corrupt length " + len + " for " + what);
        }
        byte[] data = new byte[len];
        in.readFully(data);
        return data;
    }
}
