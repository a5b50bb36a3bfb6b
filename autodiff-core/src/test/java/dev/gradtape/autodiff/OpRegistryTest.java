package dev.gradtape.autodiff;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every public operation of {@link Tensor} that returns tensors is either covered by a gradient
 * property or listed here as exempt, with the reason. Adding an operation to Tensor without a
 * property makes this test fail and name it: the last step of the "adding an op" checklist.
 */
class OpRegistryTest {
    private static final String OP = "OpGradientProperties#";
    private static final String SHAPE = "ShapeGradientProperties#";

    /** Operation signature -> the properties that check its gradient. */
    static final Map<String, List<String>> PROPERTIES = Map.ofEntries(
            entry("add(Tensor)", List.of(OP + "add")),
            entry("add(double)", List.of(OP + "addConstant")),
            entry("sub(Tensor)", List.of(OP + "sub")),
            entry("sub(double)", List.of(OP + "subConstant")),
            entry("mul(Tensor)", List.of(OP + "mul")),
            entry("mul(double)", List.of(OP + "mulConstant")),
            entry("div(Tensor)", List.of(OP + "div")),
            entry("div(double)", List.of(OP + "divConstant")),
            entry("neg()", List.of(OP + "neg")),
            entry("pow(double)", List.of(OP + "powOfPositiveBases", OP + "powIntegerExponentsOfAnySign")),
            entry("square()", List.of(OP + "square")),
            entry("exp()", List.of(OP + "exp")),
            entry("sin()", List.of(OP + "sin")),
            entry("cos()", List.of(OP + "cos")),
            entry("log()", List.of(OP + "log")),
            entry("sqrt()", List.of(OP + "sqrt")),
            entry("abs()", List.of(OP + "abs")),
            entry("tanh()", List.of(OP + "tanh")),
            entry("sigmoid()", List.of(OP + "sigmoid")),
            entry("relu()", List.of(OP + "relu")),
            entry("softplus()", List.of(OP + "softplus")),
            entry("maximum(Tensor)", List.of(OP + "maximum")),
            entry("maximum(double)", List.of(OP + "maximumConstant")),
            entry("minimum(Tensor)", List.of(OP + "minimum")),
            entry("minimum(double)", List.of(OP + "minimumConstant")),
            entry("clamp(double,double)", List.of(OP + "clamp")),
            entry("where(Tensor,Tensor,Tensor)", List.of(OP + "where")),
            entry("sum()", List.of(OP + "sumAll")),
            entry("sum(int,boolean)", List.of(OP + "sumAlongAxis")),
            entry("mean()", List.of(OP + "meanAll")),
            entry("mean(int,boolean)", List.of(OP + "meanAlongAxis")),
            entry("max()", List.of(OP + "maxAll")),
            entry("max(int,boolean)", List.of(OP + "maxAlongAxis")),
            entry("logSumExp()", List.of(OP + "logSumExpAll", OP + "logSumExpOfLargeValuesStaysFiniteAndCorrect")),
            entry("logSumExp(int,boolean)", List.of(OP + "logSumExpAlongAxis")),
            entry("sumTo(Shape)", List.of(SHAPE + "sumTo")),
            entry("reshape(int[])", List.of(SHAPE + "reshape")),
            entry("broadcastTo(int[])", List.of(SHAPE + "broadcastToDims")),
            entry("broadcastTo(Shape)", List.of(SHAPE + "broadcastToShape")),
            entry("permute(int[])", List.of(SHAPE + "permute")),
            entry("transpose()", List.of(SHAPE + "transpose")),
            entry("slice(int,int,int)", List.of(SHAPE + "slice")),
            entry("split(int,int[])", List.of(SHAPE + "split")),
            entry("pad(int,int,int)", List.of(SHAPE + "pad")),
            entry("concat(int,Tensor[])", List.of(SHAPE + "concatArray")),
            entry("concat(int,List)", List.of(SHAPE + "concatList")),
            entry("matmul(Tensor)", List.of(SHAPE + "matmul2d", SHAPE + "matmulBatched",
                    SHAPE + "matmulBroadcastBatch", SHAPE + "matmulRank1Operands")));

    /** Operation signature -> why it has no gradient property. */
    static final Map<String, String> EXEMPT = Map.ofEntries(
            entry("of(double[],int[])", "factory"),
            entry("of(double[],Shape)", "factory"),
            entry("vector(double[])", "factory"),
            entry("matrix(double[][])", "factory"),
            entry("scalar(double)", "factory"),
            entry("zeros(int[])", "factory"),
            entry("zeros(Shape)", "factory"),
            entry("ones(int[])", "factory"),
            entry("ones(Shape)", "factory"),
            entry("full(double,int[])", "factory"),
            entry("full(double,Shape)", "factory"),
            entry("arange(int)", "factory"),
            entry("linspace(double,double,int)", "factory"),
            entry("randn(RandomGenerator,Shape)", "factory"),
            entry("randn(long,Shape)", "factory"),
            entry("randn(RandomGenerator,int[])", "seeded random factory"),
            entry("randn(long,int[])", "seeded random factory"),
            entry("uniform(RandomGenerator,double,double,int[])", "seeded random factory"),
            entry("uniform(long,double,double,int[])", "seeded random factory"),
            entry("detach()", "stops the gradient by definition (GraphSemanticsTest)"),
            entry("greater(Tensor)", "comparison: a constant 0/1 mask"),
            entry("greater(double)", "comparison: a constant 0/1 mask"),
            entry("greaterEqual(Tensor)", "comparison: a constant 0/1 mask"),
            entry("sign()", "piecewise constant: derivative 0 almost everywhere, returns a constant"));

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** The public methods of Tensor that return a Tensor or a list of them. */
    static Set<String> tensorOperations() {
        Set<String> ops = new TreeSet<>();
        for (Method m : Tensor.class.getMethods()) {
            if (m.getDeclaringClass() == Tensor.class && Modifier.isPublic(m.getModifiers())
                    && (m.getReturnType() == Tensor.class || m.getReturnType() == List.class)) {
                ops.add(signature(m));
            }
        }
        return ops;
    }

    @Test
    void every_differentiable_operation_has_a_gradient_property_or_is_exempt() {
        List<String> missing = new ArrayList<>();
        for (String op : tensorOperations()) {
            if (!PROPERTIES.containsKey(op) && !EXEMPT.containsKey(op)) {
                missing.add(op);
            }
        }
        assertTrue(missing.isEmpty(), "Tensor operations with no gradient property (add one to"
                + " OpGradientProperties or ShapeGradientProperties and list it in"
                + " OpRegistryTest.PROPERTIES, or list the op in EXEMPT with the reason): " + missing);
    }

    @Test
    void every_listed_property_is_a_test_method() throws ClassNotFoundException {
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : PROPERTIES.entrySet()) {
            for (String ref : e.getValue()) {
                String[] parts = ref.split("#");
                Class<?> c = Class.forName("dev.gradtape.autodiff." + parts[0]);
                boolean found = false;
                for (Method m : c.getDeclaredMethods()) {
                    found |= m.getName().equals(parts[1]) && m.getParameterCount() == 0
                            && m.isAnnotationPresent(Test.class);
                }
                if (!found) {
                    broken.add(e.getKey() + " -> " + ref);
                }
            }
        }
        assertTrue(broken.isEmpty(), "properties listed but not found as @Test methods: " + broken);
    }

    @Test
    void no_listed_operation_is_stale() {
        Set<String> ops = tensorOperations();
        List<String> stale = new ArrayList<>();
        for (String op : PROPERTIES.keySet()) {
            if (!ops.contains(op)) stale.add(op);
        }
        for (String op : EXEMPT.keySet()) {
            if (!ops.contains(op)) stale.add(op);
        }
        assertTrue(stale.isEmpty(), "listed operations that Tensor no longer has: " + stale);
    }

    @Test
    void the_registry_sees_the_operations_it_should() {
        // guards the reflection itself: a filter that saw nothing would make the checks above vacuous
        Set<String> ops = tensorOperations();
        assertTrue(ops.containsAll(List.of("add(Tensor)", "matmul(Tensor)", "split(int,int[])",
                "where(Tensor,Tensor,Tensor)", "concat(int,List)")), ops::toString);
        assertTrue(ops.size() >= PROPERTIES.size() + EXEMPT.size(), ops::toString);
    }
}
