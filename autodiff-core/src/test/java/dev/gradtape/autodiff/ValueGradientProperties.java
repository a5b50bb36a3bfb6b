package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The scalar {@link Value} API: each operation's gradient from {@link Value#backward()} agrees
 * with central differences of {@link Value#data()} on generated inputs, and a reflection check
 * makes sure every public Value operation is covered here.
 */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class ValueGradientProperties {
    private static final double EPS = 1e-6;

    /** The signatures of the Value operations the properties below exercise. */
    private static final Set<String> COVERED = Set.of("add(Value)", "add(double)", "mul(Value)",
            "mul(double)", "neg()", "sub(Value)", "div(Value)", "pow(double)", "relu()", "tanh()",
            "exp()", "log()");

    private static double eval(BinaryOperator<Value> f, double a, double b) {
        try (GradientTape tape = new GradientTape()) {
            return f.apply(Value.of(a), Value.of(b)).data();
        }
    }

    /** Checks d f / d a and d f / d b from backward against central differences. */
    private static void check(BinaryOperator<Value> f, double a, double b) {
        double ga;
        double gb;
        try (GradientTape tape = new GradientTape()) {
            Value va = Value.of(a, "a");
            Value vb = Value.of(b, "b");
            f.apply(va, vb).backward();
            ga = va.grad();
            gb = vb.grad();
        }
        double na = (eval(f, a + EPS, b) - eval(f, a - EPS, b)) / (2 * EPS);
        double nb = (eval(f, a, b + EPS) - eval(f, a, b - EPS)) / (2 * EPS);
        assertEquals(na, ga, 1e-5 + 1e-3 * Math.abs(na), "d/da at a=" + a + ", b=" + b);
        assertEquals(nb, gb, 1e-5 + 1e-3 * Math.abs(nb), "d/db at a=" + a + ", b=" + b);
    }

    private static void forAll(Gen<Double> as, Gen<Double> bs, BinaryOperator<Value> f) {
        qt().withExamples(60).withFixedSeed(0x7a1L).forAll(as, bs).checkAssert((a, b) -> check(f, a, b));
    }

    private static final Gen<Double> REAL = doubles().between(-2, 2);
    private static final Gen<Double> POSITIVE = doubles().between(0.2, 3);
    private static final Gen<Double> AWAY_FROM_ZERO =
            doubles().between(0.3, 2).zip(doubles().between(-1, 1), (m, s) -> s < 0 ? -m : m);

    @Test
    void arithmetic() {
        forAll(REAL, REAL, Value::add);
        forAll(REAL, REAL, (a, b) -> a.add(3.5).mul(b));
        forAll(REAL, REAL, Value::mul);
        forAll(REAL, REAL, (a, b) -> a.mul(-2.5).add(b));
        forAll(REAL, REAL, (a, b) -> a.neg().mul(b));
        forAll(REAL, REAL, Value::sub);
        forAll(REAL, AWAY_FROM_ZERO, Value::div);
    }

    @Test
    void pow() {
        for (double p : new double[] {-1.5, -1, 0.5, 2, 3}) {
            forAll(POSITIVE, REAL, (a, b) -> a.pow(p).mul(b));
        }
    }

    @Test
    void nonlinearities() {
        forAll(AWAY_FROM_ZERO, REAL, (a, b) -> a.relu().mul(b));
        forAll(doubles().between(-3, 3), REAL, (a, b) -> a.tanh().mul(b));
        forAll(REAL, REAL, (a, b) -> a.exp().mul(b));
        forAll(POSITIVE, REAL, (a, b) -> a.log().mul(b));
    }

    @Test
    void every_public_value_operation_is_covered() {
        List<String> missing = new ArrayList<>();
        Set<String> ops = new TreeSet<>();
        for (Method m : Value.class.getMethods()) {
            if (m.getDeclaringClass() == Value.class && Modifier.isPublic(m.getModifiers())
                    && !Modifier.isStatic(m.getModifiers()) && m.getReturnType() == Value.class) {
                String sig = OpRegistryTest.signature(m);
                ops.add(sig);
                if (!COVERED.contains(sig)) missing.add(sig);
            }
        }
        assertTrue(missing.isEmpty(), "Value operations with no gradient property here: " + missing);
        assertTrue(ops.containsAll(COVERED), "listed but gone: " + COVERED + " vs " + ops);
    }

    @Test
    void value_basics_and_errors() {
        assertThrowsWithMessage(IllegalStateException.class, () -> Value.of(1.0), "Value.of",
                "no GradientTape is open", "try (GradientTape tape = new GradientTape())");
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(2.0, "a");
            Value b = a.mul(a);
            assertEquals("*", b.op());
            assertEquals(List.of(a, a), b.children());
            assertEquals("", b.label());
            assertEquals(0.0, a.grad(), "no gradient before backward");
            b.backward();
            assertEquals(4.0, a.grad()); // used twice: a + a
            assertEquals("Value(a=data=2.0, grad=4.0)", a.toString());
            assertEquals(Shape.SCALAR, a.tensor().shape());
            assertThrowsWithMessage(IllegalStateException.class, b::backward, "not persistent");
        }
    }
}
