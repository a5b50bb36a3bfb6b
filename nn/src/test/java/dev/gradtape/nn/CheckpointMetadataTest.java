package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strings a caller adds to a checkpoint's metadata: kept, given back, ignored by load. */
class CheckpointMetadataTest {
    @TempDir
    Path dir;

    private static Sequential mlp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Dense(3, 4, rng), new Tanh(), new Dense(4, 2, rng));
    }

    @Test
    void extraMetadataIsWrittenBesideTheCheckpointsOwnAndLoadIgnoresIt() {
        Path file = dir.resolve("m.safetensors");
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("model_layers", "3,4,2");
        extra.put("model_note", "tanh \"hidden\" layer");
        Checkpoint.save(file, mlp(1), Adam.builder().build(), extra);

        Map<String, String> meta = SafeTensors.readContents(file).metadata();
        assertEquals("3,4,2", meta.get("model_layers"));
        assertEquals("tanh \"hidden\" layer", meta.get("model_note"));
        assertEquals("gradtape.checkpoint", meta.get("format"));
        assertEquals("2", meta.get("format_version"));
        assertEquals("Adam", meta.get("optimizer"));
        assertTrue(meta.containsKey(SafeTensors.CHECKSUM_KEY));

        Sequential other = mlp(2);
        Checkpoint.load(file, other, null);
        assertTrue(other.parameters().get(0).value().valueEquals(mlp(1).parameters().get(0).value()));
    }

    @Test
    void reservedOrEmptyKeysAndNullValuesAreRefusedAndNothingIsWritten() {
        Path file = dir.resolve("r.safetensors");
        for (String key : new String[] {"format", "format_version", "optimizer", "data_crc32c", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(file, mlp(1), null, Map.of(key, "x")));
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("note", null);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, mlp(1), null, nullValue));
        assertFalse(Files.exists(file));
    }
}
