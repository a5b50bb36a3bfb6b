package dev.gradtape.examples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Renders DOT files to SVG with Graphviz' {@code dot}, when it is installed. */
final class Graphviz {
    /** What to tell a user who has no {@code dot}. */
    static final String HOW_TO_INSTALL = "Graphviz' dot is not on the PATH, so no SVG was drawn;"
            + " install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)"
            + " or paste the .dot file into any online Graphviz viewer";

    private Graphviz() {
    }

    /** The {@code dot} executable on the PATH, if any. */
    static Optional<Path> findDot() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : new String[] {"dot", "dot.exe"}) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Renders {@code dotFile} to {@code svgFile} through a temporary file, so the SVG lands whole.
     *
     * @throws IOException if dot fails or takes more than 30 seconds
     */
    static void renderSvg(Path dot, Path dotFile, Path svgFile) throws IOException {
        Path tmp = RunFolder.temporarySibling(svgFile);
        try {
            Process p = new ProcessBuilder(dot.toString(), "-Tsvg", dotFile.toString(), "-o", tmp.toString())
                    .redirectErrorStream(true).start();
            byte[] messages = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dot did not finish within 30 seconds");
            }
            if (p.exitValue() != 0) {
                throw new IOException("dot exited with " + p.exitValue() + ": " + new String(messages).strip());
            }
            RunFolder.moveIntoPlace(tmp, svgFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for dot", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
