package org.kemwb.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;
import org.kemwb.model.InteractionKind;
import org.kemwb.train.TrainConfig;
import org.kemwb.util.Json;

/**
 * The run settings as a ControlsFX property sheet. Values are turned into the run's JSON config
 * and validated by {@link TrainConfig} itself, so the message names the key and allowed range.
 */
final class ConfigSheet extends PropertySheet {
    /** One editable setting; {@code path} is its key in the train config JSON ("model.dim"). */
    static final class Setting implements PropertySheet.Item {
        private final String category;
        private final String name;
        private final String path;
        private final Class<?> type;
        private final SimpleObjectProperty<Object> value;

        Setting(String category, String name, String path, Class<?> type, Object initial) {
            this.category = category;
            this.name = name;
            this.path = path;
            this.type = type;
            this.value = new SimpleObjectProperty<>(initial);
        }

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public String getCategory() {
            return category;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return "config key " + path;
        }

        @Override
        public Object getValue() {
            return value.get();
        }

        @Override
        public void setValue(Object v) {
            value.set(v);
        }

        @Override
        public Optional<ObservableValue<?>> getObservableValue() {
            return Optional.of(value);
        }
    }

    private final List<Setting> settings = new ArrayList<>();

    ConfigSheet() {
        TrainConfig d = TrainConfig.defaults();
        add("Model", "Interaction", "model.interaction", InteractionKind.class, InteractionKind.KEM);
        add("Model", "Image size", "model.imageSize", Integer.class, d.model().imageSize());
        add("Model", "Width d", "model.dim", Integer.class, d.model().dim());
        add("Model", "Heads", "model.heads", Integer.class, d.model().heads());
        add("Model", "Memory slots N", "model.slots", Integer.class, d.model().slots());
        add("Model", "top-k", "model.topK", Integer.class, d.model().topK());
        add("Training", "Steps", "steps", Integer.class, d.steps());
        add("Training", "Batch", "batch", Integer.class, d.batch());
        add("Training", "Learning rate", "lr", Double.class, 2e-3);
        add("Training", "Evaluate every", "evalEvery", Integer.class, 100);
        add("Training", "Learned loss weights", "model.learnedLossWeights", Boolean.class, false);
        add("Data", "Training scenes", "trainImages", Integer.class, d.trainImages());
        add("Data", "Labels kept (fraction)", "labelFraction", Double.class, 1.0);
        setModeSwitcherVisible(false);
        setSearchBoxVisible(false);
        setMode(Mode.NAME); // one flat list: every setting visible at once
        setPrefSize(440, 350);
        setMinWidth(USE_PREF_SIZE);
    }

    private void add(String category, String name, String path, Class<?> type, Object initial) {
        Setting s = new Setting(category, name, path, type, initial);
        settings.add(s);
        getItems().add(s);
    }

    List<Setting> settings() {
        return settings;
    }

    void set(String path, Object value) {
        settings.stream().filter(s -> s.path.equals(path)).findFirst().orElseThrow().setValue(value);
    }

    /** The value of one setting by its config key (e.g. "steps"). */
    Object get(String path) {
        return settings.stream().filter(s -> s.path.equals(path)).findFirst().orElseThrow().getValue();
    }

    /** The settings as train-config JSON (keys the sheet does not show keep their defaults). */
    ObjectNode json() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        for (Setting s : settings) {
            ObjectNode node = root;
            String[] parts = s.path.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
            }
            node.set(parts[parts.length - 1], Json.MAPPER.valueToTree(s.getValue()));
        }
        // warm-up is not on the sheet: as `kemwb train --steps`, it never exceeds the steps
        if (root.path("steps").isInt()) {
            root.put("warmup", Math.max(0, Math.min(TrainConfig.defaults().warmup(), root.get("steps").asInt())));
        }
        return root;
    }

    /** A valid config, or the validation message (names the key and the allowed range). */
    Object validate(String device) {
        ObjectNode json = json().put("device", device);
        try {
            return TrainConfig.fromJson(json, "settings");
        } catch (IllegalArgumentException e) {
            return withLabels(e.getMessage());
        }
    }

    /** "settings.model.dim = 30: ..." reads "Width d = 30: ..." (the label the user sees beside the field). */
    String withLabels(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("settings: ")) {
            m = "settings." + m.substring("settings: ".length()); // TrainConfig's "WHERE: key" form
        }
        Setting best = null;
        for (Setting s : settings) {
            String key = "settings." + s.path;
            if (m.startsWith(key) && (m.length() == key.length() || !Character.isLetterOrDigit(m.charAt(key.length())))
                    && (best == null || s.path.length() > best.path.length())) {
                best = s;
            }
        }
        if (best != null) {
            return best.getName() + m.substring(("settings." + best.path).length());
        }
        return m.startsWith("settings.") ? m.substring("settings.".length()) : m;
    }
}
