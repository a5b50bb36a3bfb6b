package dev.gradtape.autodiff.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The kernel's written-out tiles are exactly what TileSource writes: no copy edited by hand. */
class TileSourceTest {
    @Test
    void the_kernels_tiles_are_the_generated_ones() throws Exception {
        String src = Files.readString(TileSource.KERNEL, StandardCharsets.UTF_8);
        assertTrue(src.contains(TileSource.BEGIN), "the kernel's source has a tiles section");
        assertEquals(TileSource.regenerated(src), src, "MatMulVectorKernel's tiles differ from TileSource's;"
                + " change TileSource and run its main from gradtape-vector/ rather than editing the tiles");
    }
}
