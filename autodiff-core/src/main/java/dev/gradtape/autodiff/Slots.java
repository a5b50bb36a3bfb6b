package dev.gradtape.autodiff;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;

/**
 * A tape's numbering of the tensors it tracks: slot i holds the gradient of the i-th tensor it
 * watched or recorded. Looked up once per input of every operation, so it is kept fast: the
 * first tape to track a tensor claims it, storing itself and the slot in the tensor's own fields
 * (one field read to look it up); tensors already claimed by another live tape go to a map.
 */
final class Slots {
    private static final VarHandle TAPE;

    static {
        try {
            TAPE = MethodHandles.lookup().findVarHandle(Tensor.class, "tape", GradientTape.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final GradientTape tape;
    private IdentityHashMap<Tensor, Integer> others; // created when first needed
    private int count;
    private boolean released;

    Slots(GradientTape tape) {
        this.tape = tape;
    }

    /** The number of slots given out. */
    int count() {
        return count;
    }

    /** The slot of {@code t}, or -1 if it is not tracked. */
    int of(Tensor t) {
        if (released) {
            return -1;
        }
        if (t.tape == tape) {
            return t.slot;
        }
        Integer slot = others == null ? null : others.get(t);
        return slot == null ? -1 : slot;
    }

    boolean tracks(Tensor t) {
        return !released && (t.tape == tape || others != null && others.containsKey(t));
    }

    /** Gives {@code t} a slot unless it has one. */
    void add(Tensor t) {
        if (tracks(t)) {
            return;
        }
        GradientTape owner = t.tape;
        if ((owner == null || owner.isReleased()) && TAPE.compareAndSet(t, owner, tape)) {
            t.slot = count++;
        } else {
            if (others == null) {
                others = new IdentityHashMap<>();
            }
            others.put(t, count++);
        }
    }

    /**
     * Gives a slot to the output of an operation just recorded: a new tensor no other thread has
     * seen, so an unclaimed one is claimed with a plain write.
     */
    void addNew(Tensor t) {
        if (t.tape == null && !released) {
            t.tape = tape;
            t.slot = count++;
        } else {
            add(t);
        }
    }

    /**
     * Forgets every slot. Tensors claimed keep pointing at the tape, but a released tape counts
     * as no owner, so another tape may claim them.
     */
    void release() {
        released = true;
        others = null;
        count = 0;
    }
}
