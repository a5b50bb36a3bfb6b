import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.*;

/**
 * Interleaved A/B of MatMulVectorKernel builds in one JVM: each variant is loaded from its own
 * class path in its own class loader; per round, per shape, each variant runs for a slice of CPU
 * time (thread CPU time, so time stolen by other processes is not counted).
 * java --add-modules jdk.incubator.vector KernelAB.java label=cp[,label=cp...] ROUNDS SECONDS shape...
 * shape = n,k,m,ta[,chunkRows]   (B is k x m, not transposed, as the engine hands it over)
 */
public class KernelAB {
    public static void main(String[] args) throws Exception {
        String[] specs = args[0].split(",");
        int rounds = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String[] shapes = Arrays.copyOfRange(args, 3, args.length);
        int nv = specs.length;
        String[] labels = new String[nv];
        Object[] kernels = new Object[nv];
        Method[] mul = new Method[nv];
        for (int v = 0; v < nv; v++) {
            String[] kv = specs[v].split("=", 2);
            labels[v] = kv[0];
            String[] parts = kv[1].split(":");
            URL[] urls = new URL[parts.length];
            for (int i = 0; i < parts.length; i++) urls[i] = Path.of(parts[i]).toUri().toURL();
            ClassLoader cl = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
            Class<?> c = cl.loadClass("dev.gradtape.autodiff.vector.MatMulVectorKernel");
            kernels[v] = c.getConstructor().newInstance();
            mul[v] = c.getMethod("multiply", double[].class, int.class, boolean.class, double[].class, int.class,
                    boolean.class, double[].class, int.class, int.class, int.class, int.class, int.class, int.class);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][][] g = new double[shapes.length][nv][rounds];
        for (int r = -1; r < rounds; r++) {
            for (int si = 0; si < shapes.length; si++) {
                String[] f = shapes[si].split(",");
                int n = Integer.parseInt(f[0]), k = Integer.parseInt(f[1]), m = Integer.parseInt(f[2]);
                boolean ta = f[3].equals("t");
                int chunk = f.length > 4 ? Integer.parseInt(f[4]) : n;
                double[] a = new double[n * k], b = new double[k * m], c = new double[n * m];
                SplittableRandom rng = new SplittableRandom(n + 31L * k + 977L * m);
                for (int i = 0; i < a.length; i++) a[i] = rng.nextDouble() - 0.5;
                for (int i = 0; i < b.length; i++) b[i] = rng.nextDouble() - 0.5;
                for (int vi = 0; vi < nv; vi++) {
                    int v = (r + si) % 2 == 0 ? vi : nv - 1 - vi; // alternate the order
                    double secs = r < 0 ? 1.0 : seconds;
                    long t0 = mx.getCurrentThreadCpuTime(), end = t0 + (long) (secs * 1e9);
                    long calls = 0;
                    do {
                        for (int i0 = 0; i0 < n; i0 += chunk) {
                            mul[v].invoke(kernels[v], a, 0, ta, b, 0, false, c, 0, n, k, m, i0, Math.min(n, i0 + chunk));
                        }
                        calls++;
                    } while (mx.getCurrentThreadCpuTime() < end);
                    double dt = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
                    if (r >= 0) g[si][v][r] = 2.0 * n * k * m * calls / dt / 1e9;
                }
            }
        }
        StringBuilder h = new StringBuilder("| shape |");
        for (String l : labels) h.append(' ').append(l).append(" |");
        for (int v = 1; v < nv; v++) h.append(' ').append(labels[v]).append('/').append(labels[0]).append(" |");
        System.out.println(h);
        System.out.println("|---|" + "---|".repeat(2 * nv - 1));
        for (int si = 0; si < shapes.length; si++) {
            StringBuilder row = new StringBuilder("| " + shapes[si] + " |");
            for (int v = 0; v < nv; v++) row.append(String.format(" %.1f |", median(g[si][v])));
            for (int v = 1; v < nv; v++) {
                double[] q = new double[rounds];
                for (int r = 0; r < rounds; r++) q[r] = g[si][v][r] / g[si][0][r];
                row.append(String.format(" %.2f |", median(q)));
            }
            System.out.println(row);
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
