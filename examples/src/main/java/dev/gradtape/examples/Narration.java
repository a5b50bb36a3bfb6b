package dev.gradtape.examples;

import dev.gradtape.autodiff.BackwardObserver;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Node;
import dev.gradtape.autodiff.Tensor;
import java.io.PrintWriter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Tells a backward walk as it happens: for each recorded operation, in reverse order, the
 * gradient it receives and what it sends to each input. Installed with
 * {@link GradientTape#setBackwardObserver}.
 */
final class Narration implements BackwardObserver {
    private final PrintWriter out;
    private final GraphNames names;
    private final IdentityHashMap<Tensor, Tensor> received = new IdentityHashMap<>();
    private int step;

    Narration(PrintWriter out, GraphNames names) {
        this.out = out;
        this.names = names;
    }

    @Override
    public void onStep(Node node, Tensor gradOutput, List<Tensor> inputGradients) {
        step++;
        String op = node.name();
        List<Tensor> inputs = node.inputs();
        String output = names.outputOf(inputs);
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            args.append(i == 0 ? "" : ", ").append(names.nameOf(inputs.get(i)));
        }
        out.printf(Locale.ROOT, "  step %d: %s = %s(%s)%n", step, output, op, args);
        out.printf(Locale.ROOT, "          receives dL/d%s = %s%n", output, values(gradOutput));
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = inputGradients.get(i);
            String to = names.nameOf(inputs.get(i));
            if (g == null) {
                out.printf(Locale.ROOT, "          sends to %-6s nothing (a constant needs no gradient)%n",
                        to + ":");
                continue;
            }
            // The tape adds up what every use of an input sends back; show the running sum.
            Tensor before = received.get(inputs.get(i));
            Tensor total = before == null ? g : before.add(g);
            received.put(inputs.get(i), total);
            out.printf(Locale.ROOT, "          sends to %-6s %s%n", to + ":", values(g));
            out.printf(Locale.ROOT, "                 (%s receives %s)%n", to, rule(node, i, output, gradOutput, g));
            if (before != null) {
                out.printf(Locale.ROOT, "                 (%s is used again: its gradient so far adds up to %s)%n",
                        to, values(total));
            }
        }
    }

    /**
     * The op's own rule for input {@code i} ({@link Node#rule}), with the graph's names and, when
     * every value in it is a single number, with the numbers too: "dL/de * b = 1.0 * -3.0 = -3.0".
     */
    private String rule(Node node, int i, String output, Tensor gradOutput, Tensor result) {
        String rule = node.rule(i);
        String named = rule.replace("{g}", "dL/d" + output).replace("{y}", output);
        String numbers = rule.replace("{g}", values(gradOutput)).replace("{y}", values(node.output()));
        boolean scalars = gradOutput.size() == 1 && node.output().size() == 1;
        for (int j = 0; j < node.inputCount(); j++) {
            named = named.replace("{" + j + "}", names.nameOf(node.input(j)));
            numbers = numbers.replace("{" + j + "}", values(node.input(j)));
            scalars &= node.input(j).size() == 1;
        }
        if (!scalars) {
            return named;
        }
        String value = values(result);
        return numbers.equals(value) ? named + " = " + value : named + " = " + numbers + " = " + value;
    }

    /** A tensor's values, without the shape for a scalar. */
    static String values(Tensor t) {
        if (t.rank() == 0) {
            return number(t.item());
        }
        String s = t.toString();
        return s.substring("tensor(".length(), s.length() - 1);
    }

    /** A number as the tour prints it: short, and exact when it is a round number. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf(v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+$", "$1");
    }
}
