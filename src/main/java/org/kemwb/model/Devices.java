package org.kemwb.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.kemwb.util.ConfigException;

/** Turns "auto", "cpu", "gpu", "gpu1" or "gpu:1" into a DJL device, with a clear refusal. */
public final class Devices {
    private Devices() {}

    public static int gpuCount() {
        return Engine.getEngine("PyTorch").getGpuCount();
    }

    public static Device resolve(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("auto")) {
            return gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.startsWith("gpu") || s.startsWith("cuda")) {
            String digits = s.replaceAll("^(gpu|cuda):?", "");
            int index;
            try {
                index = digits.isEmpty() ? 0 : Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new ConfigException("device = " + spec + ": allowed are auto, cpu, gpu, gpuN");
            }
            int count = gpuCount();
            if (index >= count) {
                throw new ConfigException("device = " + spec + ": GPU " + index + " requested but " + count
                        + " usable GPU(s) found (the CPU build has none; build with -Pcuda for NVIDIA GPUs)");
            }
            return Device.gpu(index);
        }
        throw new ConfigException("device = " + spec + ": allowed are auto, cpu, gpu, gpuN");
    }

    /** Human-readable name for status bars and reports. */
    public static String describe(Device device) {
        return device.isGpu() ? "GPU " + device.getDeviceId() : "CPU";
    }
}
