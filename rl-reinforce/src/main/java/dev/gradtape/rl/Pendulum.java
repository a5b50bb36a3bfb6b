package dev.gradtape.rl;

import java.util.SplittableRandom;

/**
 * The classic inverted-pendulum swing-up task, with the dynamics, constants and start distribution
 * of Gymnasium's Pendulum-v1. The pendulum hangs from a pivot; the action is a torque u, clipped to
 * [-2, 2]; the goal is to swing it up and hold it upright (theta = 0) with little effort.
 *
 * <p>Constants: g = 10, m = 1, l = 1, dt = 0.05, max speed 8, max torque 2, 200 steps per episode
 * (then truncated; there is no terminal state). One step, from the state (theta, thetadot):
 *
 * <pre>
 *     u         = clip(u, -2, 2)
 *     cost      = normalize(theta)^2 + 0.1 thetadot^2 + 0.001 u^2    (normalize to [-pi, pi))
 *     thetadot' = clip(thetadot + (3g / (2l) sin(theta) + 3u / (m l^2)) dt, -8, 8)
 *     theta'    = theta + thetadot' dt
 *     reward    = -cost  (computed on the state before the step, so in [-16.27, 0])
 * </pre>
 *
 * The observation is (cos theta, sin theta, thetadot). {@link #reset} draws theta ~ U(-pi, pi) and
 * thetadot ~ U(-1, 1) from a {@link SplittableRandom} seeded with the given seed (the same
 * distribution as Gymnasium; the exact states differ, since the generators differ).
 */
public final class Pendulum implements Environment {
    /** Gravity. */
    public static final double G = 10.0;
    /** Mass. */
    public static final double M = 1.0;
    /** Length. */
    public static final double L = 1.0;
    /** Time step in seconds. */
    public static final double DT = 0.05;
    /** Largest angular speed. */
    public static final double MAX_SPEED = 8.0;
    /** Largest torque. */
    public static final double MAX_TORQUE = 2.0;
    /** Steps per episode. */
    public static final int MAX_STEPS = 200;

    private double theta;
    private double thetaDot;
    private int steps;
    private boolean running;

    /** A pendulum; call {@link #reset} to start an episode. */
    public Pendulum() {
    }

    @Override
    public double[] reset(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double th = -Math.PI + 2 * Math.PI * rng.nextDouble();
        double thDot = -1.0 + 2.0 * rng.nextDouble();
        return resetTo(th, thDot);
    }

    /**
     * Starts an episode from the given state (for tests and demonstrations).
     *
     * @param theta the angle, 0 upright
     * @param thetaDot the angular speed
     * @return the first observation
     */
    public double[] resetTo(double theta, double thetaDot) {
        if (!Double.isFinite(theta) || !Double.isFinite(thetaDot)) {
            throw new IllegalArgumentException("Pendulum.resetTo: theta=" + theta + ", thetaDot="
                    + thetaDot + "; both must be finite");
        }
        this.theta = theta;
        this.thetaDot = thetaDot;
        this.steps = 0;
        this.running = true;
        return observation();
    }

    @Override
    public StepResult step(double[] action) {
        Actions.check("Pendulum", action, 1);
        if (!running) {
            throw new IllegalStateException("Pendulum.step: no episode is running; call reset(seed)"
                    + " first (an episode ends after " + MAX_STEPS + " steps)");
        }
        double u = Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, action[0]));
        double th = normalizeAngle(theta);
        double cost = th * th + 0.1 * thetaDot * thetaDot + 0.001 * u * u;
        double newThetaDot = thetaDot + (3 * G / (2 * L) * Math.sin(theta) + 3.0 / (M * L * L) * u) * DT;
        newThetaDot = Math.max(-MAX_SPEED, Math.min(MAX_SPEED, newThetaDot));
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;
        steps++;
        boolean truncated = steps >= MAX_STEPS;
        running = !truncated;
        return new StepResult(observation(), -cost, false, truncated);
    }

    /** {@return the angle (not normalised) of the current state} */
    public double theta() {
        return theta;
    }

    /** {@return the angular speed of the current state} */
    public double thetaDot() {
        return thetaDot;
    }

    /** x mapped to [-pi, pi) as ((x + pi) mod 2 pi) - pi, with a floored (never negative) modulo. */
    static double normalizeAngle(double x) {
        double twoPi = 2 * Math.PI;
        double r = (x + Math.PI) % twoPi;
        if (r < 0) {
            r += twoPi;
        }
        return r - Math.PI;
    }

    private double[] observation() {
        return new double[] {Math.cos(theta), Math.sin(theta), thetaDot};
    }

    @Override
    public int observationSize() {
        return 3;
    }

    @Override
    public int actionSize() {
        return 1;
    }

    @Override
    public double[] actionLow() {
        return new double[] {-MAX_TORQUE};
    }

    @Override
    public double[] actionHigh() {
        return new double[] {MAX_TORQUE};
    }

    @Override
    public int maxEpisodeSteps() {
        return MAX_STEPS;
    }

    @Override
    public String toString() {
        return "Pendulum-v1[theta=" + theta + ", thetaDot=" + thetaDot + ", step=" + steps + "]";
    }
}
