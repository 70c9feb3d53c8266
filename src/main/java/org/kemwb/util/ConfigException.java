package org.kemwb.util;

/** A configuration value that is missing, unknown or out of range; the message names the key. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    /** Fails with "key = value: must be in [lo, hi]" when the value is outside the range. */
    public static void checkRange(String key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new ConfigException(key + " = " + fmt(value) + ": must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
