package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training.compile takes exactly Training.step's steps, bit for bit, whatever the batch shapes. */
class TrainingStepTest {
    private static Sequential model() {
        return new Sequential(new Dense(3, 8, new SplittableRandom(1)), new Tanh(),
                new Dense(8, 2, new SplittableRandom(2)));
    }

    @Test
    void compiled_and_eager_steps_agree_bit_for_bit_over_alternating_batch_shapes() {
        Sequential eager = model();
        Sequential compiled = model();
        Adam eagerAdam = new Adam(0.01);
        TrainingStep step = Training.compile(compiled, Losses::meanSquaredError, new Adam(0.01));
        SplittableRandom data = new SplittableRandom(3);
        for (int i = 0; i < 40; i++) {
            int rows = i % 2 == 0 ? 16 : 5; // a full and a short minibatch, as ValueFit takes them
            Tensor x = Tensor.randn(data, rows, 3);
            Tensor y = Tensor.randn(data, rows, 2);
            double e = Training.step(eager, Losses::meanSquaredError, eagerAdam, x, y);
            double c = step.step(x, y);
            assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(c), "loss of step " + i);
        }
        for (int k = 0; k < eager.parameters().size(); k++) {
            assertTrue(eager.parameters().get(k).value().valueEquals(compiled.parameters().get(k).value()),
                    "parameter " + k);
        }
        assertEquals(2, step.compiledShapes(), "one compiled step per batch shape");
    }

    @Test
    void a_frozen_parameter_is_read_but_not_trained_and_at_most_four_shapes_are_kept() {
        Sequential m = model();
        Parameter frozen = m.parameters().get(0);
        frozen.setTrainable(false);
        Tensor before = frozen.value();
        TrainingStep step = Training.compile(m, Losses::meanSquaredError, new Sgd(0.1));
        for (int rows = 1; rows <= 6; rows++) {
            step.step(Tensor.ones(rows, 3), Tensor.zeros(rows, 2));
        }
        assertTrue(before.valueEquals(frozen.value()), "the frozen kernel did not move");
        assertEquals(TrainingStep.CAPACITY, step.compiledShapes());
        // assigning a frozen parameter is seen by the next run of a cached compiled step: it is
        // read on every run, not frozen into the program
        frozen.assign(Tensor.full(0.25, 3, 8));
        Tensor x = Tensor.ones(6, 3); // rows 6 was compiled above and is still cached
        Tensor y = Tensor.zeros(6, 2);
        double expected = Losses.meanSquaredError(m.forward(x), y).item(); // eager, current values
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(step.step(x, y)));
        assertEquals(TrainingStep.CAPACITY, step.compiledShapes(), "no new compilation");
    }

    @Test
    void a_loss_that_is_not_one_element_is_refused_with_its_shape() {
        TrainingStep step = Training.compile(model(), (p, t) -> p.sub(t), new Adam());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> step.step(Tensor.ones(4, 3), Tensor.zeros(4, 2)));
        assertTrue(e.getMessage().contains("the loss has shape (4, 2)"), e.getMessage());
    }
}
