package org.starttls4j.internal.text;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An unmodifiable list over an array that the core made for it alone and never writes again. It
 * exists because {@code List.of(array)} copies the array it is given: the readers that assemble
 * replies and capabilities build each list once, at its size, and hand this view out instead of a
 * second copy. The immutable values that copy the lists they are given ({@code Capabilities},
 * {@code Capability}) take it as it is, since nothing else can reach its array.
 *
 * @param <E> the elements
 */
public final class FixedList<E> extends AbstractList<E> implements RandomAccess {

    private final E[] elements;

    private FixedList(E[] elements) {
        this.elements = elements;
    }

    /**
     * An unmodifiable list of {@code owned}, which the caller gives up: nothing may write to it afterwards.
     *
     * @param owned the elements, none null, in a fresh array no one else holds
     * @param <E>   the elements
     * @return the list
     * @throws NullPointerException if an element is null
     */
    public static <E> List<E> of(E[] owned) {
        for (E e : owned) {
            Objects.requireNonNull(e, "element");
        }
        return owned.length == 0 ? List.of() : new FixedList<>(owned);
    }

    /**
     * {@code list} itself when it is already unmodifiable by construction (a {@code FixedList}, a
     * {@link SpacedWords}, or one of the JDK's {@code List.of} lists), otherwise a copy: what the
     * immutable values take.
     *
     * @param list a list
     * @param <E>  the elements
     * @return an unmodifiable list with the same elements
     * @throws NullPointerException if {@code list} or an element is null
     */
    public static <E> List<E> copyOf(List<E> list) {
        return list instanceof FixedList<E> || list instanceof SpacedWords ? list : List.copyOf(list);
    }

    @Override
    public E get(int index) {
        return elements[index];
    }

    @Override
    public int size() {
        return elements.length;
    }
}
