package dev.gradtape.rl;

import dev.gradtape.nn.Parameter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of parameters' names and exact bits, for reproducibility checks; its {@code main} trains
 * the article setup and prints the hash, so a test can compare two JVM launches.
 */
public final class ParameterHash {
    private ParameterHash() {
    }

    /** The hex SHA-256 of each parameter's name and the raw bits of its values, in order. */
    static String of(List<Parameter> params) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Parameter p : params) {
                md.update(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                double[] v = p.value().toArray();
                ByteBuffer buf = ByteBuffer.allocate(8 * v.length);
                for (double x : v) buf.putLong(Double.doubleToRawLongBits(x));
                md.update(buf.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The article setup with a running-mean baseline, {@code updates} updates from {@code seed}. */
    static String articleRun(long seed, long updates) {
        GaussianPolicy policy = GaussianPolicy.article(seed);
        Reinforce r = new Reinforce(policy, TargetGame::new,
                ReinforceSettings.article().optBaseline(Baseline.exponentialMean(0.01)).optSeed(seed).build());
        r.train(updates, null);
        return of(policy.parameters());
    }

    /**
     * Prints the hash of {@link #articleRun}.
     *
     * @param args seed and number of updates
     */
    public static void main(String[] args) {
        System.out.println(articleRun(Long.parseLong(args[0]), Long.parseLong(args[1])));
    }
}
