package dev.gradtape.autodiff.kernels;

/**
 * One operation's forward computation for fixed input shapes: reads the input arrays and
 * overwrites every element of the output array, allocating nothing. An op builds its kernel once
 * per application on the eager tape, and once per program for a compiled step; both then run the
 * very same loops, so the two agree bit for bit.
 */
@FunctionalInterface
public interface Kernel {
    /**
     * Computes the output.
     *
     * @param inputs the inputs' elements, row-major, one array per input (never modified)
     * @param output the output's elements, row-major; every element is overwritten
     */
    void run(double[][] inputs, double[] output);
}
