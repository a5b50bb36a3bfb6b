package dev.gradtape.examples;

/**
 * How SIGINT and SIGTERM stop a training loop at an update boundary: the run folder's shutdown
 * hook calls {@link #stopAndWait}, which asks the loop to stop and waits until it has saved its
 * state and ended the run; the loop asks {@link #requested} after every update and calls
 * {@link #done} when it has ended, for whatever reason, so that the hook never waits for a loop
 * that is not running. The hook does not call {@code System.exit} (the JVM is already exiting,
 * and exit would wait for the hook itself).
 */
final class StopRequest {
    /**
     * The longest the hook waits for the loop, in milliseconds: a guard against a loop that never
     * reaches its boundary, not a timing (an update takes milliseconds).
     */
    static final long WAIT_MILLIS = 60_000;

    private boolean requested;
    private boolean done;

    /** Asks the loop to stop and waits until it has (or {@link #WAIT_MILLIS} have passed). */
    synchronized void stopAndWait() {
        requested = true;
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        boolean interrupted = false;
        while (!done) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return true once a signal has asked the loop to stop} */
    synchronized boolean requested() {
        return requested;
    }

    /** The loop has ended (stopped and saved, finished, or failed): the hook need not wait. */
    synchronized void done() {
        done = true;
        notifyAll();
    }
}
