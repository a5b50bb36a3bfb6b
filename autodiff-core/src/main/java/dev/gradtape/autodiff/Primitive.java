package dev.gradtape.autodiff;

/**
 * A built-in differentiable operation: a {@link Function} whose forward always returns a tensor it
 * has just made from raw arrays. That promise lets {@link Function#apply} and the tape skip two
 * checks a user's function needs: that the output is not one of the inputs, and that no other
 * thread could be claiming it (so the tape claims it with a plain write instead of a
 * compare-and-set). The primitives are the small closed set listed in {@link Tensor}.
 */
abstract class Primitive extends Function {
    Primitive() {
        super(true);
    }
}
