package dev.gradtape.rl;

import java.util.Arrays;

/** Validation shared by the environments: an action has the right length and finite elements. */
final class Actions {
    private Actions() {
    }

    static void check(String environment, double[] action, int size) {
        if (action == null) {
            throw new IllegalArgumentException(environment + ".step: the action is null; pass "
                    + size + " finite value(s)");
        }
        if (action.length != size) {
            throw new IllegalArgumentException(environment + ".step: the action has " + action.length
                    + " element(s) " + Arrays.toString(action) + " but this environment takes "
                    + size + "; pass an action of length " + size);
        }
        for (int i = 0; i < action.length; i++) {
            if (!Double.isFinite(action[i])) {
                throw new IllegalArgumentException(environment + ".step: action element " + i
                        + " is " + action[i] + " in " + Arrays.toString(action)
                        + "; every action element must be finite");
            }
        }
    }
}
