package dev.gradtape.examples;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes frames as an animated GIF with the JDK's own GIF writer ({@code javax.imageio}): each
 * frame gets a Graphics Control Extension with its delay, and the first one the NETSCAPE2.0
 * application extension that makes viewers loop it forever. The frames should be indexed images
 * of one small palette ({@link BufferedImage#TYPE_BYTE_INDEXED}): the writer then stores each
 * pixel as its palette index, with no quantising or dithering of its own, so the same frames
 * always give the same bytes.
 */
final class AnimatedGif {
    /** The name of the writer's per-frame metadata format. */
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private AnimatedGif() {
    }

    /**
     * The GIF of {@code frames}, shown for {@code delays[i]} hundredths of a second each, looped
     * forever.
     */
    static byte[] encode(List<BufferedImage> frames, int[] delays) {
        if (frames.isEmpty() || frames.size() != delays.length) {
            throw new IllegalArgumentException("AnimatedGif: " + frames.size() + " frames and " + delays.length
                    + " delays; need at least one frame and one delay per frame");
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new IllegalStateException("AnimatedGif: this JDK has no GIF writer in javax.imageio");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage frame = frames.get(i);
                IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(frame), null);
                meta.setFromTree(FORMAT, frameTree(meta, delays[i], i == 0));
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("AnimatedGif: cannot encode the frames: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The frame's metadata with its delay, and on the first frame the loop-forever extension. */
    private static IIOMetadataNode frameTree(IIOMetadata meta, int delay, boolean first) {
        if (delay < 0 || delay > 0xffff) {
            throw new IllegalArgumentException("AnimatedGif: a delay of " + delay
                    + " hundredths of a second; a GIF stores 0 to 65535");
        }
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("transparentColorIndex", "0");
        control.setAttribute("delayTime", Integer.toString(delay));
        if (first) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: the loop count, 0 = forever
            child(root, "ApplicationExtensions").appendChild(app);
        }
        return root;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equals(name)) {
                return (IIOMetadataNode) parent.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
