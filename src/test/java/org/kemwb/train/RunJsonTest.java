package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.util.Json;

/** What run.json records: the workbench version of pom.xml, and the data settings that apply. */
public class RunJsonTest {
    @TempDir
    Path dir;

    /** The project version as pom.xml states it (read here independently of the build's resource filtering). */
    public static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>kem-workbench</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml states the project version");
        return m.group(1).trim();
    }

    @Test
    void recordsTheWorkbenchVersionOfThePom() throws Exception {
        TrainingRun.create(dir.resolve("r"), TrainConfig.defaults());
        JsonNode node = Json.MAPPER.readTree(dir.resolve("r").resolve("run.json").toFile());
        assertEquals(pomVersion(), node.path("versions").path("kemwb").asText());
    }

    @Test
    void syntheticSceneCountsOnlyWhenTheScenesAreUsed() throws Exception {
        TrainingRun.create(dir.resolve("synthetic"), TrainConfig.defaults());
        JsonNode synthetic = Json.MAPPER.readTree(dir.resolve("synthetic").resolve("run.json").toFile()).path("config");
        assertEquals(256, synthetic.path("trainImages").asInt());
        assertEquals(32, synthetic.path("valImages").asInt());

        Path data = Files.createDirectories(dir.resolve("data"));
        var node = Json.MAPPER.createObjectNode().put("dataDir", data.toString());
        TrainingRun.create(dir.resolve("folder"), TrainConfig.fromJson(node, "config"));
        JsonNode folder = Json.MAPPER.readTree(dir.resolve("folder").resolve("run.json").toFile()).path("config");
        assertFalse(folder.has("trainImages"), folder.toString());
        assertFalse(folder.has("valImages"), folder.toString());
        assertEquals(data.toString(), folder.path("dataDir").asText());
        // the run still opens (resume): the absent counts take their defaults and are not used
        assertEquals(data.toString(), TrainingRun.open(dir.resolve("folder")).config().dataDir());
    }
}
