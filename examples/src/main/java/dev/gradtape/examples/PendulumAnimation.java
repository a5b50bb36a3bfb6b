package dev.gradtape.examples;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.Pendulum;
import dev.gradtape.rl.StepResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An animated GIF of a policy on Pendulum: its mean action from {@link #STARTS}, four fixed start
 * states, played side by side in panels of {@value #PANEL} x {@value #PANEL} pixels, every
 * {@value #EVERY}nd step of the 200 (0.1 s of simulated time a frame, shown in real time), the
 * last frame held {@value #HOLD} hundredths of a second before the loop starts again.
 *
 * <p>Each panel shows the rod and bob (upright is the tick at the top), the torque as an orange
 * arc around the pivot (its length proportional to |u|, up to 2), the time, and the return so far
 * (the sum of Pendulum's rewards, 0 at best). Frames are drawn antialiased in RGB and then mapped
 * to a fixed palette of {@value #PALETTE_SIZE} colours (each ink blended with white in eight
 * steps, nearest colour, no dithering), which keeps the file small and its bytes a function of
 * the policy alone.
 */
final class PendulumAnimation {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // frames are drawn off screen, also on a server
        }
    }

    /** The file name in a run folder. */
    static final String FILE = "pendulum.gif";
    /** Width and height of one pendulum's panel, in pixels. */
    static final int PANEL = 160;
    /** One frame every this many steps. */
    static final int EVERY = 2;
    /** Hundredths of a second per frame: EVERY steps of Pendulum.DT = 0.05 s. */
    static final int DELAY = 10;
    /** Hundredths of a second the last frame stays. */
    static final int HOLD = 150;
    /** The start states (theta, thetadot): hanging at rest, level, swinging, and near the top. */
    static final double[][] STARTS = {{Math.PI, 0.0}, {Math.PI / 2, 0.0}, {-2.0, 1.0}, {0.6, -1.5}};
    /** The frames: the start state and every EVERY-th step after it. */
    static final int FRAMES = Pendulum.MAX_STEPS / EVERY + 1;

    private static final Color WHITE = Color.WHITE;
    private static final Color[] INKS = {new Color(225, 225, 225), new Color(150, 150, 150),
        new Color(50, 50, 50), new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44)};
    private static final Color LIGHT = INKS[0];
    private static final Color GREY = INKS[1];
    private static final Color DARK = INKS[2];
    private static final Color BLUE = INKS[3];
    private static final Color ORANGE = INKS[4];
    private static final Color GREEN = INKS[5];
    static final int PALETTE_SIZE = 1 + 8 * 6;
    private static final IndexColorModel PALETTE = palette();


    private PendulumAnimation() {
    }

    /** One episode from a start state: the states before every step and after the last, the torques, the rewards. */
    private record Episode(double[] theta, double[] torque, double[] rewardSum) {
    }

    /** {@return the GIF of {@code policy} swinging up from each of {@link #STARTS}} */
    static byte[] render(GaussianPolicy policy) {
        List<Episode> episodes = play(policy, STARTS);
        List<BufferedImage> frames = new ArrayList<>();
        int[] delays = new int[FRAMES];
        Map<Integer, Byte> nearest = new HashMap<>();
        for (int f = 0; f < FRAMES; f++) {
            BufferedImage rgb = new BufferedImage(PANEL * STARTS.length, PANEL, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
                g.setColor(WHITE);
                g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
                for (int p = 0; p < STARTS.length; p++) {
                    drawPanel(g, p * PANEL, episodes.get(p), STARTS[p], f * EVERY);
                }
            } finally {
                g.dispose();
            }
            frames.add(indexed(rgb, nearest));
            delays[f] = f == FRAMES - 1 ? HOLD : DELAY;
        }
        return AnimatedGif.encode(frames, delays);
    }

    /**
     * The policy's mean action for a whole episode from each start state (theta, thetaDot), the
     * episodes side by side: one forward pass of all of them per step. A row's result does not
     * depend on its neighbours, so each episode is the one it would be alone.
     */
    private static List<Episode> play(GaussianPolicy policy, double[][] starts) {
        int e = starts.length;
        int n = Pendulum.MAX_STEPS;
        int os = policy.observationSize();
        Pendulum[] envs = new Pendulum[e];
        double[] obs = new double[e * os];
        double[][] theta = new double[e][n + 1];
        double[][] torque = new double[e][n + 1];
        double[][] rewardSum = new double[e][n + 1];
        for (int p = 0; p < e; p++) {
            envs[p] = new Pendulum();
            System.arraycopy(envs[p].resetTo(starts[p][0], starts[p][1]), 0, obs, p * os, os);
            theta[p][0] = envs[p].theta();
        }
        for (int t = 0; t < n; t++) {
            double[] u = policy.meanActions(Tensor.of(obs, e, os)).toArray();
            for (int p = 0; p < e; p++) {
                torque[p][t] = Math.max(-Pendulum.MAX_TORQUE, Math.min(Pendulum.MAX_TORQUE, u[p]));
                StepResult r = envs[p].step(new double[] {u[p]});
                System.arraycopy(r.observation(), 0, obs, p * os, os);
                theta[p][t + 1] = envs[p].theta();
                rewardSum[p][t + 1] = rewardSum[p][t] + r.reward();
            }
        }
        List<Episode> out = new ArrayList<>(e);
        for (int p = 0; p < e; p++) {
            torque[p][n] = torque[p][n - 1];
            out.add(new Episode(theta[p], torque[p], rewardSum[p]));
        }
        return out;
    }

    /**
     * One pendulum at step {@code t}, its pivot in the middle of the panel. theta = 0 is upright and
     * grows counterclockwise (as Gymnasium draws it), so the bob is at (-sin theta, cos theta) in
     * y-up coordinates; a positive torque turns counterclockwise too.
     */
    private static void drawPanel(Graphics2D g, int x0, Episode e, double[] start, int t) {
        double cx = x0 + PANEL / 2.0;
        double cy = PANEL / 2.0 + 4;
        double r = 50;
        if (x0 > 0) {
            g.setColor(LIGHT);
            g.fillRect(x0, 0, 1, PANEL);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(LIGHT);
        g.draw(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
        g.setColor(GREEN);
        g.setStroke(new BasicStroke(2f));
        g.draw(new Line2D.Double(cx, cy - r - 10, cx, cy - r - 3));

        double u = e.torque()[t];
        if (Math.abs(u) > 1e-3) {
            double extent = 135 * u / Pendulum.MAX_TORQUE; // degrees, counterclockwise for u > 0
            double ar = 24;
            g.setColor(ORANGE);
            g.setStroke(new BasicStroke(3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
            g.draw(new Arc2D.Double(cx - ar, cy - ar, 2 * ar, 2 * ar, 90, extent, Arc2D.OPEN));
            double end = Math.toRadians(90 + extent);
            double ex = cx + ar * Math.cos(end);
            double ey = cy - ar * Math.sin(end);
            double dir = Math.signum(u); // the tangent at the end, in the direction of turning
            double tx = -Math.sin(end) * dir;
            double ty = -Math.cos(end) * dir;
            double nx = Math.cos(end);
            double ny = -Math.sin(end);
            Polygon head = new Polygon();
            head.addPoint((int) Math.round(ex + 6 * tx), (int) Math.round(ey + 6 * ty));
            head.addPoint((int) Math.round(ex + 5 * nx), (int) Math.round(ey + 5 * ny));
            head.addPoint((int) Math.round(ex - 5 * nx), (int) Math.round(ey - 5 * ny));
            g.fillPolygon(head);
        }

        double th = e.theta()[t];
        double bx = cx - r * Math.sin(th);
        double by = cy - r * Math.cos(th);
        g.setColor(DARK);
        g.setStroke(new BasicStroke(5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(cx, cy, bx, by));
        g.setColor(BLUE);
        g.fill(new Ellipse2D.Double(bx - 9, by - 9, 18, 18));
        g.setColor(DARK);
        g.fill(new Ellipse2D.Double(cx - 3, cy - 3, 6, 6));

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(GREY);
        g.drawString(String.format(Locale.ROOT, "start %.0f\u00b0, %+.1f/s", Math.toDegrees(start[0]), start[1]),
                x0 + 6, 13);
        g.setColor(DARK);
        g.drawString(String.format(Locale.ROOT, "t %.1f s", t * Pendulum.DT), x0 + 6, PANEL - 6);
        String ret = String.format(Locale.ROOT, "return %.0f", e.rewardSum()[t]);
        g.drawString(ret, x0 + PANEL - 6 - g.getFontMetrics().stringWidth(ret), PANEL - 6);
    }

    /** White, then each ink blended with white in eight steps (1/8 to all ink). */
    private static IndexColorModel palette() {
        byte[] r = new byte[PALETTE_SIZE];
        byte[] gr = new byte[PALETTE_SIZE];
        byte[] b = new byte[PALETTE_SIZE];
        r[0] = gr[0] = b[0] = (byte) 255;
        int i = 1;
        for (Color ink : INKS) {
            for (int k = 1; k <= 8; k++, i++) {
                r[i] = (byte) blend(ink.getRed(), k);
                gr[i] = (byte) blend(ink.getGreen(), k);
                b[i] = (byte) blend(ink.getBlue(), k);
            }
        }
        return new IndexColorModel(8, PALETTE_SIZE, r, gr, b);
    }

    private static int blend(int ink, int eighths) {
        return (255 * (8 - eighths) + ink * eighths + 4) / 8;
    }

    /**
     * {@code rgb} with every pixel replaced by the nearest palette colour, remembered in
     * {@code nearest} under the colour times an odd constant (a bijection that spreads the keys,
     * which as plain RGB values collide in the map's buckets).
     */
    private static BufferedImage indexed(BufferedImage rgb, Map<Integer, Byte> nearest) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                PALETTE);
        byte[] pixels = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        // TYPE_INT_RGB keeps each pixel as 0xRRGGBB in one int, row by row
        int[] argb = ((java.awt.image.DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        int previous = 0xffffff;
        byte index = 0; // white
        for (int i = 0; i < argb.length; i++) {
            int c = argb[i] & 0xffffff;
            if (c != previous) { // neighbours are mostly the same colour
                previous = c;
                index = nearest.computeIfAbsent(c * 0x9E3779B1, k -> closest(c));
            }
            pixels[i] = index;
        }
        return out;
    }

    private static byte closest(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < PALETTE_SIZE; i++) {
            long dr = r - PALETTE.getRed(i);
            long dg = g - PALETTE.getGreen(i);
            long db = b - PALETTE.getBlue(i);
            long d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return (byte) best;
    }
}
