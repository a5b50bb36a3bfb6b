package dev.gradtape.examples;

import dev.gradtape.autodiff.BackwardWalk;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Node;
import dev.gradtape.autodiff.Tensor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Tells a backward walk ({@link BackwardWalk}): for each recorded operation, in reverse order, the
 * gradient it receives, then for each input the op's own rule ({@link Node#rule}) written with
 * the graph's names and numbers, and the running sum when an input is used more than once:
 * <pre>
 *   step 4: e = a * b (mul) receives dL/de = -2.0
 *           e = a * b: a receives dL/de * b = -2.0 * -3.0 = 6.0
 *                      a is used twice: dL/da = 1.0 (from step 1) + 6.0 = 7.0
 * </pre>
 * The walk comes from {@link GradientTape#backwardWalk} or {@code Value.backward()}.
 */
final class Narration {
    private final PrintWriter out;
    private final GraphNames names;
    private final String target;
    private final IdentityHashMap<Tensor, Tensor> received = new IdentityHashMap<>();
    private final IdentityHashMap<Tensor, Integer> uses = new IdentityHashMap<>();
    private final IdentityHashMap<Tensor, List<Integer>> fromSteps = new IdentityHashMap<>();
    private int step;

    /**
     * @param target the name of the value being differentiated ("L"), for "dL/de"
     */
    Narration(PrintWriter out, GraphNames names, String target) {
        this.out = out;
        this.names = names;
        this.target = target;
    }

    /** Tells every step of {@code walk}, in order. */
    void tell(BackwardWalk walk) {
        for (BackwardWalk.Step s : walk.steps()) {
            tell(s.node(), s.received(), s.sent());
        }
    }

    private void tell(Node node, Tensor gradOutput, List<Tensor> inputGradients) {
        step++;
        List<Tensor> inputs = node.inputs();
        String output = names.nameOf(node.output());
        String equation = names.equationOf(node.output(), node.name(), inputs);
        out.printf(Locale.ROOT, "  step %d: %s (%s) receives d%s/d%s = %s%n", step, equation, node.name(),
                target, output, values(gradOutput));
        String indent = " ".repeat(equation.length() + 2);
        for (int i = 0; i < inputs.size(); i++) {
            Tensor in = inputs.get(i);
            Tensor g = inputGradients.get(i);
            String to = names.nameOf(in);
            if (g == null) {
                out.printf(Locale.ROOT, "          %s: %s receives nothing (a constant needs no gradient)%n",
                        equation, to);
                continue;
            }
            out.printf(Locale.ROOT, "          %s: %s receives %s%n", equation, to,
                    rule(node, i, output, gradOutput, g));
            // The tape adds up what every use of an input sends back; show the running sum.
            Tensor before = received.get(in);
            Tensor total = before == null ? g : before.add(g);
            received.put(in, total);
            int n = uses.merge(in, 1, Integer::sum);
            List<Integer> earlier = fromSteps.computeIfAbsent(in, t -> new ArrayList<>());
            if (before != null) {
                String sum = g.size() == 1 ? values(before) + " " + fromText(earlier) + " + " + values(g)
                        + " = " + values(total) : values(total);
                out.printf(Locale.ROOT, "          %s%s is used %s: d%s/d%s = %s%n", indent, to, times(n),
                        target, to, sum);
            }
            earlier.add(step);
        }
    }

    private static String times(int n) {
        return n == 2 ? "twice" : n + " times";
    }

    /** "(from step 1)", "(from steps 1 and 3)", "(from this step)": where a sum so far came from. */
    private String fromText(List<Integer> steps) {
        TreeSet<Integer> distinct = new TreeSet<>(steps);
        if (distinct.size() == 1) {
            return distinct.first() == step ? "(from this step)" : "(from step " + distinct.first() + ")";
        }
        List<String> numbers = distinct.stream().map(String::valueOf).toList();
        return "(from steps " + String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and "
                + numbers.get(numbers.size() - 1) + ")";
    }

    /**
     * The op's own rule for input {@code i} ({@link Node#rule}), with the graph's names and then
     * its value: "dL/de * b = -2.0 * -3.0 = 6.0" when every value in it is a single number, else
     * "dL/ds * y = [[...]], shape=(2, 2)".
     */
    private String rule(Node node, int i, String output, Tensor gradOutput, Tensor result) {
        String rule = node.rule(i);
        String named = rule.replace("{g}", "d" + target + "/d" + output).replace("{y}", output);
        String numbers = rule.replace("{g}", values(gradOutput)).replace("{y}", values(node.output()));
        boolean scalars = gradOutput.size() == 1 && node.output().size() == 1;
        for (int j = 0; j < node.inputCount(); j++) {
            named = named.replace("{" + j + "}", names.nameOf(node.input(j)));
            numbers = numbers.replace("{" + j + "}", values(node.input(j)));
            scalars &= node.input(j).size() == 1;
        }
        if (!result.shape().equals(gradOutput.shape()) && !describesShape(rule)) {
            named += ", summed to " + names.nameOf(node.input(i)) + "'s shape " + result.shape();
        }
        String value = values(result);
        if (!scalars || numbers.equals(value)) {
            return named + " = " + value;
        }
        return named + " = " + numbers + " = " + value;
    }

    /**
     * Whether a rule says itself how its result's shape differs from the incoming gradient's
     * (a matrix product, a reduction, a reshape). A rule that does not, such as add's
     * "{g}", is an elementwise rule whose result the op sums back over broadcast axes.
     */
    static boolean describesShape(String rule) {
        for (String word : new String[] {"@", "shape", "sum", "element", "slice", "pad", "axes", "nothing"}) {
            if (rule.contains(word)) {
                return true;
            }
        }
        return false;
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
