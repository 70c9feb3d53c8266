package org.kemwb.card;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Strict reading of one JSON object of a card: every key must be among those allowed, every
 * value of the right type and range. Errors are {@link CardException}s "file: key.path ...".
 */
final class CardReader {
    private final String file;

    CardReader(String file) {
        this.file = file;
    }

    CardException error(String path, String problem) {
        return new CardException(file + ": " + (path.isEmpty() ? "(root)" : path) + ": " + problem);
    }

    /** Checks that {@code node} is an object whose keys are all in {@code allowed}. */
    JsonNode object(JsonNode node, String path, Set<String> allowed) throws CardException {
        if (node == null || !node.isObject()) {
            throw error(path, "must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw error(join(path, key), "unknown key (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return node;
    }

    JsonNode required(JsonNode obj, String path, String key) throws CardException {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            throw error(join(path, key), "missing");
        }
        return v;
    }

    String string(JsonNode obj, String path, String key, String fallback) throws CardException {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw error(join(path, key), "missing");
            }
            return fallback;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw error(join(path, key), "must be a non-empty string");
        }
        return v.asText();
    }

    /** A string among {@code choices} (case-insensitive), returned in lower case. */
    String choice(JsonNode obj, String path, String key, String fallback, String... choices) throws CardException {
        String s = string(obj, path, key, fallback);
        for (String c : choices) {
            if (c.equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw error(join(path, key), "'" + s + "': must be one of " + String.join(", ", choices));
    }

    int integer(JsonNode obj, String path, String key, int lo, int hi, Integer fallback) throws CardException {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw error(join(path, key), "missing");
            }
            return fallback;
        }
        return integer(v, join(path, key), lo, hi);
    }

    int integer(JsonNode v, String path, int lo, int hi) throws CardException {
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw error(path, v + ": must be an integer");
        }
        long x = v.asLong();
        if (x < lo || x > hi) {
            throw error(path, x + ": must be in [" + lo + ", " + hi + "]");
        }
        return (int) x;
    }

    double number(JsonNode v, String path, double lo, double hi, boolean open) throws CardException {
        if (!v.isNumber()) {
            throw error(path, v + ": must be a number");
        }
        double x = v.asDouble();
        if (!Double.isFinite(x) || x < lo || x > hi || (open && x == lo)) {
            throw error(path, fmt(x) + ": must be in " + (open ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return x;
    }

    List<JsonNode> array(JsonNode v, String path, int minSize, int maxSize) throws CardException {
        if (v == null || !v.isArray()) {
            throw error(path, "must be a JSON array");
        }
        if (v.size() < minSize || v.size() > maxSize) {
            throw error(path, "has " + v.size() + " entries, must have " + (minSize == maxSize ? Integer.toString(minSize) : minSize + " to " + maxSize));
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
