package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every single-bit flip of a saved checkpoint, each loaded: the file's data section is covered
 * by a checksum and its header by the format's checks, so no flip may load silently.
 */
class CheckpointIntegrityTest {
    @TempDir
    Path dir;

    private static Sequential mlp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Dense(3, 4, rng), new Tanh(), new Dense(4, 2, rng));
    }

    private static Map<String, Tensor> snapshot(Layer model, Optimizer opt) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            m.put(p.name(), p.value());
        }
        for (Map.Entry<String, Tensor> e : opt.state().entrySet()) {
            m.put("optimizer/" + e.getKey(), e.getValue());
        }
        return m;
    }

    private static boolean sameValues(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!a.get(k).valueEquals(b.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** Where a byte lies in the file, for the counts. */
    private enum Region { LENGTH_FIELD, HEADER_JSON, HEADER_PADDING, DATA }

    @Test
    void every_single_bit_flip_is_rejected_or_changes_nothing() throws IOException {
        Sequential model = mlp(1);
        Adam adam = new Adam(0.01);
        SplittableRandom rng = new SplittableRandom(2);
        for (int k = 0; k < 3; k++) {
            Tensor x = Tensor.randn(rng, 8, 3);
            Training.step(model, Losses::meanSquaredError, adam, x, x.sum(1, true).tanh().broadcastTo(8, 2));
        }
        Path original = dir.resolve("original.safetensors");
        Checkpoint.save(original, model, adam);
        byte[] bytes = Files.readAllBytes(original);
        Map<String, Tensor> saved = snapshot(model, adam);

        int headerEnd = 8 + (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        int jsonEnd = headerEnd;
        while (bytes[jsonEnd - 1] == ' ') {
            jsonEnd--;
        }
        Map<Region, int[]> counts = new LinkedHashMap<>(); // per region: rejected, harmless, silent
        for (Region r : Region.values()) {
            counts.put(r, new int[3]);
        }
        List<String> failures = new ArrayList<>();
        Path file = dir.resolve("flipped.safetensors");
        Files.write(file, bytes);
        Sequential target = mlp(3);
        Adam fresh = new Adam(0.01);
        Map<String, Tensor> before = snapshot(target, fresh);
        // flipped in place and back (rewriting the whole file each time costs ext4 a flush)
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < bytes.length; i++) {
                Region region = i < 8 ? Region.LENGTH_FIELD : i < jsonEnd ? Region.HEADER_JSON
                        : i < headerEnd ? Region.HEADER_PADDING : Region.DATA;
                for (int bit = 0; bit < 8; bit++) {
                    raf.seek(i);
                    raf.write(bytes[i] ^ (1 << bit));
                    String what = "byte " + i + " (" + region + ") bit " + bit;
                    try {
                        Checkpoint.load(file, target, fresh);
                        Map<String, Tensor> after = snapshot(target, fresh);
                        if (region == Region.HEADER_PADDING && sameValues(saved, after)) {
                            counts.get(region)[1]++;
                        } else {
                            counts.get(region)[2]++;
                            failures.add(what + ": loaded" + (sameValues(saved, after) ? " (same values)"
                                    : " different values"));
                        }
                        // a new target, so that a later rejection is checked against the untouched one
                        target = mlp(3);
                        fresh = new Adam(0.01);
                    } catch (CheckpointException e) {
                        counts.get(region)[0]++;
                        if (!sameValues(before, snapshot(target, fresh))) {
                            failures.add(what + ": rejected, but the model or optimiser changed");
                        }
                    } catch (RuntimeException | Error e) {
                        failures.add(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    raf.seek(i);
                    raf.write(bytes[i]);
                }
            }
        }
        assertArrayEquals(bytes, Files.readAllBytes(file));
        StringBuilder summary = new StringBuilder(8 * bytes.length + " flips of a " + bytes.length
                + "-byte checkpoint (rejected / harmless / silent):");
        for (Map.Entry<Region, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            summary.append(' ').append(e.getKey()).append(' ').append(c[0]).append('/').append(c[1])
                    .append('/').append(c[2]);
        }
        System.out.println(summary);
        assertTrue(failures.isEmpty(), summary + "; " + failures.size() + " bad, the first: "
                + failures.subList(0, Math.min(20, failures.size())));
        int total = 0;
        for (int[] c : counts.values()) {
            total += c[0] + c[1] + c[2];
        }
        assertEquals(8 * bytes.length, total);
    }
}
