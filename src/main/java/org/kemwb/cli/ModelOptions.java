package org.kemwb.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.kemwb.model.Devices;
import org.kemwb.model.LoadedModel;
import picocli.CommandLine.Option;

/** {@code --checkpoint} and {@code --device} of the commands that load one native model (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--checkpoint", required = true, description = "Model: checkpoint (.params) or .npz weights.")
    Path checkpoint;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpuN (default: ${DEFAULT-VALUE}).")
    String device;

    /** The model on the chosen device; the caller closes it. Errors name the file or the device. */
    LoadedModel open() throws IOException {
        return org.kemwb.model.NpzWeights.readAny(checkpoint, Devices.resolve(device));
    }
}
