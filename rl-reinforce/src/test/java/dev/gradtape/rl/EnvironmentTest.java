package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnvironmentTest {
    @Test
    void targetGameRewardsAsTheArticle() {
        TargetGame game = new TargetGame();
        assertArrayEquals(new double[] {1.0}, game.reset(7));
        StepResult r = game.step(new double[] {4.1});
        assertEquals(1.0, r.reward(), 0.0);
        assertTrue(r.terminated());
        assertFalse(r.truncated());
        assertEquals(1.0, game.reward(3.75), 0.0); // |tau - a| = zeta: still the full reward
        assertEquals(0.25 / 1.0, game.reward(5.0), 1e-15);
        assertEquals(0.25 / 4.0, game.reward(0.0), 1e-15);
        assertEquals(0.25 / 2.0, game.reward(6.0), 1e-15);
        assertEquals(2.0 * 0.5 / 3.0, new TargetGame(2.0, -1.0, 0.5).reward(2.0), 1e-15);
    }

    @Test
    void stepResultCopiesItsObservationAndComparesByValue() {
        double[] obs = {1.0, 2.0};
        StepResult r = new StepResult(obs, -0.5, false, true);
        obs[0] = 99;
        r.observation()[1] = 99;
        assertArrayEquals(new double[] {1.0, 2.0}, r.observation());
        StepResult same = new StepResult(new double[] {1.0, 2.0}, -0.5, false, true);
        assertEquals(same, r);
        assertEquals(same.hashCode(), r.hashCode());
        assertFalse(r.equals(new StepResult(new double[] {1.0, 2.0}, -0.5, true, true)));
        assertTrue(r.done());
        assertEquals("StepResult[observation=[1.0, 2.0], reward=-0.5, terminated=false, truncated=true]",
                r.toString());
    }

    @Test
    void targetGameIsOneShot() {
        TargetGame game = new TargetGame();
        assertThrows(IllegalStateException.class, () -> game.step(new double[] {1}));
        game.reset(0);
        game.step(new double[] {1});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> game.step(new double[] {1}));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }

    @Test
    void targetGameRejectsBadConstants() {
        assertThrows(IllegalArgumentException.class, () -> new TargetGame(0, 4, 0.25));
        assertThrows(IllegalArgumentException.class, () -> new TargetGame(1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new TargetGame(1, 4, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new TargetGame(1, Double.NaN, 0.25));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TargetGame(-1, 4, 0.25));
        assertTrue(e.getMessage().contains("beta=-1.0"), e.getMessage());
    }

    @Test
    void actionsOfWrongSizeOrNotFiniteAreRejected() {
        TargetGame game = new TargetGame();
        game.reset(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> game.step(new double[] {1, 2}));
        assertTrue(e.getMessage().contains("length 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> game.step(new double[] {Double.NaN}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        Pendulum p = new Pendulum();
        p.reset(0);
        assertThrows(IllegalArgumentException.class, () -> p.step(new double[] {Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> p.step(new double[0]));
    }

    @Test
    void pendulumStepByHand() {
        Pendulum p = new Pendulum();
        assertArrayEquals(new double[] {Math.cos(0.5), Math.sin(0.5), 0.3}, p.resetTo(0.5, 0.3));
        StepResult r = p.step(new double[] {1.5});
        // cost = 0.5^2 + 0.1 * 0.3^2 + 0.001 * 1.5^2
        assertEquals(-0.26125, r.reward(), 1e-15);
        // thetadot' = 0.3 + (15 sin(0.5) + 3 * 1.5) * 0.05; theta' = 0.5 + thetadot' * 0.05
        double thDot = 0.3 + (15 * 0.479425538604203 + 4.5) * 0.05;
        assertEquals(0.8845691539531522, thDot, 1e-15);
        assertEquals(thDot, p.thetaDot(), 1e-14);
        assertEquals(0.5442284576976576, p.theta(), 1e-14);
        assertArrayEquals(new double[] {Math.cos(p.theta()), Math.sin(p.theta()), thDot},
                r.observation(), 1e-14);
        assertFalse(r.terminated());
        assertFalse(r.truncated());
    }

    @Test
    void pendulumClipsTorqueAndSpeedAndNormalisesTheAngleInTheCost() {
        Pendulum p = new Pendulum();
        p.resetTo(Math.PI / 2, 7.9);
        StepResult r = p.step(new double[] {5.0}); // torque clipped to 2
        // cost = (pi/2)^2 + 0.1 * 7.9^2 + 0.001 * 2^2; speed 7.9 + (15 + 6) * 0.05 = 8.95 -> 8
        assertEquals(-(Math.PI * Math.PI / 4 + 6.241 + 0.004), r.reward(), 1e-12);
        assertEquals(8.0, p.thetaDot(), 0.0);
        assertEquals(Math.PI / 2 + 0.4, p.theta(), 1e-15);
        p.resetTo(5.0, 0.0);
        double th = 5.0 - 2 * Math.PI;
        assertEquals(-(th * th), p.step(new double[] {0.0}).reward(), 1e-12);
        p.resetTo(-7.0, -8.0);
        p.step(new double[] {-3.0});
        assertEquals(-8.0, p.thetaDot(), 0.0);
        assertEquals(-Math.PI, Pendulum.normalizeAngle(Math.PI), 1e-15);
        assertEquals(0.25, Pendulum.normalizeAngle(0.25 + 4 * Math.PI), 1e-12);
    }

    @Test
    void pendulumTruncatesAfter200StepsAndSeedsItsStart() {
        Pendulum p = new Pendulum();
        double[] first = p.reset(42);
        assertArrayEquals(first, new Pendulum().reset(42));
        StepResult r = null;
        for (int t = 0; t < 200; t++) {
            assertTrue(r == null || !r.done(), "ended early at step " + t);
            r = p.step(new double[] {0.3});
        }
        assertTrue(r.truncated());
        assertFalse(r.terminated());
        assertThrows(IllegalStateException.class, () -> p.step(new double[] {0.0}));
        for (long seed = 0; seed < 200; seed++) {
            p.reset(seed);
            assertTrue(p.theta() >= -Math.PI && p.theta() < Math.PI, "theta " + p.theta());
            assertTrue(p.thetaDot() >= -1 && p.thetaDot() < 1, "thetaDot " + p.thetaDot());
        }
    }
}
