package dev.gradtape.autodiff;

/**
 * The scope returned by {@link GradientTape#noRecording()}: while it is open, no tape that was
 * open when it began records anything, and variables read are not watched; tapes opened inside
 * it record as usual. Closing it resumes recording.
 */
public final class NoRecording implements AutoCloseable {
    private final int previousFloor;
    private boolean closed;

    NoRecording() {
        TapeState state = TapeState.get();
        previousFloor = state.floor;
        state.floor = state.open.size();
    }

    /** Resumes recording (once; later calls do nothing). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TapeState.get().floor = previousFloor;
        }
    }
}
