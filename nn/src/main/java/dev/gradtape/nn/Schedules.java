package dev.gradtape.nn;

/** The schedules behind {@link LearningRateSchedule}'s factories, as records with readable text. */
final class Schedules {
    private Schedules() {
    }

    record Constant(double rate) implements LearningRateSchedule {
        @Override
        public double rate(long step) {
            return rate;
        }

        @Override
        public String toString() {
            return "constant(" + rate + ")";
        }
    }

    record LinearDecay(double initial, double end, long steps) implements LearningRateSchedule {
        @Override
        public double rate(long step) {
            long t = Math.min(Math.max(step, 0), steps);
            return initial + (end - initial) * ((double) t / steps);
        }

        @Override
        public String toString() {
            return "linearDecay(" + initial + " -> " + end + " over " + steps + " steps)";
        }
    }

    record ExponentialDecay(double initial, double decayRate, long decaySteps)
            implements LearningRateSchedule {
        @Override
        public double rate(long step) {
            // StrictMath: the same bits on every JVM, so training is reproducible everywhere
            return initial * StrictMath.pow(decayRate, (double) Math.max(step, 0) / decaySteps);
        }

        @Override
        public String toString() {
            return "exponentialDecay(" + initial + ", rate " + decayRate + " per " + decaySteps
                    + " steps)";
        }
    }
}
