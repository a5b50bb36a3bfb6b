package dev.gradtape.autodiff.kernels;

import java.util.Arrays;

/**
 * A straight-line program of kernel calls over numbered buffers: what a compiled step runs. Step
 * s calls {@code kernels[s]} on the buffers {@code inputs[s]} and writes buffer {@code outputs[s]}.
 * The program itself is immutable and can be shared; each {@link Instance} owns its buffers, so
 * several instances run on several threads at once.
 */
public final class Program {
    private final Kernel[] kernels;
    private final int[][] inputs;
    private final int[] outputs;
    private final int[] sizes;
    private final double[][] constants;

    /**
     * A program of {@code kernels.length} steps over {@code sizes.length} buffers.
     *
     * @param kernels one kernel per step
     * @param inputs the buffers each step reads
     * @param outputs the buffer each step writes
     * @param sizes the length of every buffer
     * @param constants for each buffer, its fixed contents (copied into every instance), or null
     */
    public Program(Kernel[] kernels, int[][] inputs, int[] outputs, int[] sizes, double[][] constants) {
        this.kernels = kernels.clone();
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.sizes = sizes.clone();
        this.constants = constants.clone();
    }

    /** {@return the number of steps} */
    public int steps() {
        return kernels.length;
    }

    /** {@return a new set of buffers for this program, constants filled in} */
    public Instance instance() {
        return new Instance();
    }

    /** The buffers of one run of the program; belongs to one thread at a time. */
    public final class Instance {
        private final double[][] buffers = new double[sizes.length][];
        private final double[][][] stepInputs = new double[kernels.length][][];
        private final double[][] stepOutputs = new double[kernels.length][];

        private Instance() {
            for (int b = 0; b < sizes.length; b++) {
                buffers[b] = constants[b] != null ? constants[b].clone() : new double[sizes[b]];
            }
            for (int s = 0; s < kernels.length; s++) {
                stepInputs[s] = new double[inputs[s].length][];
                for (int j = 0; j < inputs[s].length; j++) {
                    stepInputs[s][j] = buffers[inputs[s][j]];
                }
                stepOutputs[s] = buffers[outputs[s]];
            }
        }

        /**
         * {@return buffer {@code b} itself (not a copy)} Callers fill inputs and read results
         * through it.
         *
         * @param b the buffer's number, as the program's steps name it
         */
        public double[] buffer(int b) {
            return buffers[b];
        }

        /**
         * Runs steps {@code [from, to)} in order.
         *
         * @param from the first step to run
         * @param to the step after the last one to run, at most {@link #steps()}
         */
        public void run(int from, int to) {
            for (int s = from; s < to; s++) {
                kernels[s].run(stepInputs[s], stepOutputs[s]);
            }
        }

        /**
         * Runs step {@code s} alone.
         *
         * @param s the step's number
         */
        public void runStep(int s) {
            kernels[s].run(stepInputs[s], stepOutputs[s]);
        }

        @Override
        public String toString() {
            return "Program.Instance" + Arrays.toString(sizes);
        }
    }
}
