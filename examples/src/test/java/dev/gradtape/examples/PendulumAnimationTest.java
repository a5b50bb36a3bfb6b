package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Parameter;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.PendulumRecipe;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

/** The pendulum GIF: a valid looping animation, its bytes a function of the policy alone. */
class PendulumAnimationTest {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    /** A node of {@code name} under {@code root}, depth first, or null. */
    private static IIOMetadataNode find(Node root, String name) {
        if (root.getNodeName().equals(name)) {
            return (IIOMetadataNode) root;
        }
        for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
            IIOMetadataNode n = find(c, name);
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    private static int delay(ImageReader r, int frame) throws IOException {
        Node tree = r.getImageMetadata(frame).getAsTree(FORMAT);
        return Integer.parseInt(find(tree, "GraphicControlExtension").getAttribute("delayTime"));
    }

    @Test
    void aValidAnimatedGifThatLoopsForeverDrawnHeadless() throws IOException {
        byte[] gif = PendulumAnimation.render(PendulumRecipe.policy(0));
        assertTrue(GraphicsEnvironment.isHeadless());
        assertEquals("GIF89a", new String(Arrays.copyOf(gif, 6), java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(gif.length < 2_000_000, gif.length + " bytes");

        ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            r.setInput(in);
            assertEquals(101, r.getNumImages(true)); // the start and every 2nd of 200 steps
            assertEquals(101, PendulumAnimation.FRAMES);
            for (int f : new int[] {0, 50, 100}) {
                assertEquals(4 * 160, r.getWidth(f));
                assertEquals(160, r.getHeight(f));
            }
            assertEquals(10, delay(r, 0));
            assertEquals(10, delay(r, 99));
            assertEquals(150, delay(r, 100));

            IIOMetadataNode app = find(r.getImageMetadata(0).getAsTree(FORMAT), "ApplicationExtension");
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            assertEquals("2.0", app.getAttribute("authenticationCode"));
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) app.getUserObject()); // loop count 0: forever
            assertEquals(null, find(r.getImageMetadata(1).getAsTree(FORMAT), "ApplicationExtension"));

            // the pictures change: the pendulums move
            BufferedImage first = r.read(0);
            BufferedImage last = r.read(100);
            assertFalse(Arrays.equals(first.getRGB(0, 0, 640, 160, null, 0, 640),
                    last.getRGB(0, 0, 640, 160, null, 0, 640)));
        } finally {
            r.dispose();
        }
    }

    @Test
    void theSamePolicyGivesTheSameBytesAndAnotherPolicyOthers() {
        byte[] once = PendulumAnimation.render(PendulumRecipe.policy(4));
        byte[] twice = PendulumAnimation.render(PendulumRecipe.policy(4));
        assertArrayEquals(once, twice);

        GaussianPolicy pushed = PendulumRecipe.policy(4); // the same, its mean torque raised by 1
        Parameter bias = pushed.parameters().stream().filter(q -> q.name().equals("mu.bias")).findFirst().orElseThrow();
        bias.assign(bias.value().add(1.0));
        assertFalse(Arrays.equals(once, PendulumAnimation.render(pushed)));
    }
}
