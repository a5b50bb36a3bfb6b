package dev.gradtape.examples;

import dev.gradtape.autodiff.GraphExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gradtape tour}: autodiff for learners, one backward pass at a time. */
@Command(name = "tour", mixinStandardHelpOptions = true,
        header = "Autodiff step by step: the backward walk, GradCheck, a page to click through, DOT graphs.",
        description = {"Autodiff for learners: runs a scalar expression (micrograd style) and a small"
                + " tensor layer forward, walks each backward pass step by step, checks the gradients"
                + " with GradCheck, compiles the layer's recorded step and runs it on new values, and writes"
                + " tour.html, a self-contained page that steps through both backward passes, and the"
                + " recorded graphs as DOT (and SVG when Graphviz' dot is installed)."})
final class TourCommand extends RunCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        RunFolder folder = openRunFolder("tour");
        PrintWriter out = stdout();
        AutodiffTour.Part scalar = AutodiffTour.scalar(out);
        AutodiffTour.Part tensor = AutodiffTour.tensor(out);
        boolean replayed = AutodiffTour.replay(out);
        Path scalarDot = folder.writeText("scalar.dot", scalar.dot());
        Path tensorDot = folder.writeText("tensor.dot", tensor.dot());
        folder.writeText("tour.html", GraphExport.html("gradtape tour: the backward pass, step by step",
                List.of(scalar.graph(), tensor.graph())));
        // where the files are once the run has finished (a forced run is built in a hidden sibling)
        out.println("Step through both backward passes in a browser (no network needed): "
                + folder.path().resolve("tour.html"));
        out.println("Graphs: " + folder.path().resolve("scalar.dot") + " and "
                + folder.path().resolve("tensor.dot"));
        Optional<Path> dot = Graphviz.findDot();
        if (dot.isPresent()) {
            for (Path p : new Path[] {scalarDot, tensorDot}) {
                Path svg = folder.resolve(p.getFileName().toString().replace(".dot", ".svg"));
                Graphviz.renderSvg(dot.get(), p, svg);
                out.println("Drawn: " + folder.path().resolve(svg.getFileName()));
            }
        } else {
            out.println(Graphviz.HOW_TO_INSTALL + ".");
        }
        out.println();
        AutodiffTour.readOn(out);
        out.flush();
        boolean ok = scalar.check().passed() && tensor.check().passed() && replayed;
        return ok ? 0 : ErrorHandlers.FAILURE;
    }
}
