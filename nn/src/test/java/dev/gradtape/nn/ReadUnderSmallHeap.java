package dev.gradtape.nn;

import java.nio.file.Path;

/**
 * Reads each safetensors file named on the command line and prints one line per file: "read"
 * with the number of tensors and metadata entries, or the exception's class and message. Started
 * by {@link SafeTensorsTest} in a JVM with a small heap.
 */
final class ReadUnderSmallHeap {
    private ReadUnderSmallHeap() {
    }

    public static void main(String[] args) {
        for (String a : args) {
            try {
                SafeTensors.Contents c = SafeTensors.readContents(Path.of(a));
                System.out.println("read " + c.tensors().size() + " " + c.metadata().size());
            } catch (CheckpointException | OutOfMemoryError e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
