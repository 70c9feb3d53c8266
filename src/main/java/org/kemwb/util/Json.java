package org.kemwb.util;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** The one Jackson mapper of the project, and overlay of user JSON on default values. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    /**
     * Reads {@code user} over the JSON form of {@code defaults}: keys the user leaves out keep
     * their default; an unknown key is refused with its dotted path named.
     */
    public static <T> T overlay(T defaults, JsonNode user, Class<T> type, String where) {
        ObjectNode base = MAPPER.valueToTree(defaults);
        merge(base, user, where);
        try {
            return MAPPER.treeToValue(base, type);
        } catch (Exception e) {
            throw new ConfigException(where + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * A copy of a record with some JSON fields changed: one mechanism for all the
     * {@code withX} methods of the config records instead of hand-written constructor copies.
     */
    public static <T> T copy(T value, Class<T> type, java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode tree = MAPPER.valueToTree(value);
        edit.accept(tree);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (Exception e) {
            throw new ConfigException(type.getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private static void merge(ObjectNode base, JsonNode user, String path) {
        if (user == null || user.isNull()) {
            return;
        }
        if (!user.isObject()) {
            throw new ConfigException(path + ": expected a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = user.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path + "." + e.getKey();
            if (!base.has(e.getKey())) {
                throw new ConfigException(key + ": unknown key (allowed: " + String.join(", ", (Iterable<String>) base::fieldNames) + ")");
            }
            JsonNode current = base.get(e.getKey());
            if (current.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) current, e.getValue(), key);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
