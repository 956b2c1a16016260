package dev.tlskit.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Orders the slices of one round of {@code tlskit bench}: each stack takes two slices, placed symmetrically about the
 * middle of the round (a palindrome, {@code A B C C B A}), so that a load drifting linearly during the round gives
 * every stack the same mean.
 *
 * <p>{@link #rotated} is the order without a control: the same sequence every round, reversed every other round
 * ({@code T N J J N T}, {@code J N T T N J}); the middle stack then always sits in the middle. {@link #balanced} is
 * the order with a control: the first half of each round is a row of a Williams design (a Latin square in which each
 * stack also follows each other stack equally often), the rows taken in pairs, a row and then its reverse. Over a
 * cycle of {@link #cycle} rounds each stack takes every position equally often and, within rounds, comes after every
 * other stack equally often; in each pair of rounds a stack at depth {@code d} of the first goes to depth
 * {@code n - 1 - d} of the second, so the two stacks listed {@code n / 2} apart share the same slice positions over
 * the pair (with four stacks listed TlsKit, native, control, JDK: TlsKit with the control, native with the JDK).
 */
final class SliceOrder {
  private SliceOrder() {}

  /**
   * Returns round {@code round}'s slices, in order, for {@code stacks} in a fixed sequence reversed every other
   * round: {@code S0 S1 .. Sn-1 Sn-1 .. S1 S0}, then {@code Sn-1 .. S0 S0 .. Sn-1}.
   */
  static <T> List<T> rotated(List<T> stacks, int round) {
    return palindrome(round % 2 == 0 ? stacks : reversed(stacks));
  }

  /**
   * Returns round {@code round}'s slices, in order, for {@code stacks} in a Williams design: the first half is row
   * {@code (round / 2) % (cycle / 2)} of the design, reversed in odd rounds; the second half mirrors the first.
   */
  static <T> List<T> balanced(List<T> stacks, int round) {
    int n = stacks.size();
    int row = (round / 2) % (cycle(n) / 2);
    List<T> half = new ArrayList<>(n);
    for (int k = 0; k < n; k++) half.add(stacks.get((williams(n, k) + row) % n));
    return palindrome(round % 2 == 0 ? half : reversed(half));
  }

  /**
   * Returns how many rounds of {@link #balanced} put each of {@code n} stacks in every position equally often: n for
   * an even n (its design's n rows are n / 2 rows and their reverses), 2n for an odd one.
   */
  static int cycle(int n) {
    return n % 2 == 0 ? n : 2 * n;
  }

  /** Returns the k-th entry of the first row of a Williams design for n: 0, 1, n-1, 2, n-2, ... */
  private static int williams(int n, int k) {
    if (k == 0) return 0;
    return k % 2 == 1 ? (k + 1) / 2 : n - k / 2;
  }

  private static <T> List<T> palindrome(List<T> half) {
    List<T> slices = new ArrayList<>(half);
    slices.addAll(reversed(half));
    return slices;
  }

  private static <T> List<T> reversed(List<T> list) {
    return new ArrayList<>(list).reversed();
  }
}
