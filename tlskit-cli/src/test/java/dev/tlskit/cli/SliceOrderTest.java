package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order of {@code tlskit bench}'s slices: drift-cancelling rounds, and with a control, balanced positions. */
class SliceOrderTest {
  private static final List<String> FOUR = List.of("T", "N", "C", "J"); // TlsKit, native, control, JDK
  private static final List<String> THREE = List.of("T", "J", "C");

  @Test
  void withoutAControlTheOrderIsTheRotatedOneOfEarlierRuns() {
    assertThat(SliceOrder.rotated(List.of("T", "N", "J"), 0)).containsExactly("T", "N", "J", "J", "N", "T");
    assertThat(SliceOrder.rotated(List.of("T", "N", "J"), 1)).containsExactly("J", "N", "T", "T", "N", "J");
    assertThat(SliceOrder.rotated(List.of("T", "J"), 2)).containsExactly("T", "J", "J", "T");
  }

  @Test
  void everyBalancedRoundIsAPalindromeWithTwoSlicesOfEachStack() {
    for (List<String> stacks : List.of(FOUR, THREE)) {
      for (int r = 0; r < 12; r++) {
        List<String> round = SliceOrder.balanced(stacks, r);
        assertThat(round).hasSize(2 * stacks.size());
        assertThat(round).isEqualTo(round.reversed());
        for (String s : stacks) assertThat(round.stream().filter(s::equals)).hasSize(2);
      }
    }
  }

  @Test
  void overACycleEachStackTakesEveryPositionEquallyOften() {
    for (List<String> stacks : List.of(FOUR, THREE)) {
      int cycle = SliceOrder.cycle(stacks.size());
      Map<String, int[]> positions = new HashMap<>();
      for (int r = 0; r < cycle; r++) {
        List<String> round = SliceOrder.balanced(stacks, r);
        for (int p = 0; p < round.size(); p++) positions.computeIfAbsent(round.get(p), k -> new int[round.size()])[p]++;
      }
      int each = 2 * cycle / (2 * stacks.size()); // a stack's slices in a cycle, spread over the positions
      for (String s : stacks) {
        assertThat(positions.get(s)).as("positions of %s with %s", s, stacks).containsOnly(each);
      }
    }
  }

  @Test
  void overACycleEachStackFollowsEveryOtherEquallyOften() {
    for (List<String> stacks : List.of(FOUR, THREE)) {
      Map<String, Integer> follows = new HashMap<>();
      for (int r = 0; r < SliceOrder.cycle(stacks.size()); r++) {
        List<String> round = SliceOrder.balanced(stacks, r);
        for (int p = 1; p < round.size(); p++) follows.merge(round.get(p - 1) + ">" + round.get(p), 1, Integer::sum);
      }
      List<Integer> others = new ArrayList<>();
      for (String a : stacks) {
        for (String b : stacks) {
          if (!a.equals(b)) others.add(follows.getOrDefault(a + ">" + b, 0));
        }
      }
      assertThat(others).as("%s", follows).allMatch(n -> n.equals(others.get(0))).first().isNotEqualTo(0);
    }
  }

  /**
   * With four stacks, in every pair of rounds TlsKit and the control take the same positions (so a position's bias
   * weighs on TlsKit / JDK and control / JDK alike), and native and the JDK take the same ones.
   */
  @Test
  void inEachPairOfRoundsTlsKitAndTheControlShareTheirPositions() {
    for (int pair = 0; pair < 6; pair++) {
      Map<String, List<Integer>> positions = new HashMap<>();
      for (int r = 2 * pair; r < 2 * pair + 2; r++) {
        List<String> round = SliceOrder.balanced(FOUR, r);
        for (int p = 0; p < round.size(); p++) {
          positions.computeIfAbsent(round.get(p), k -> new ArrayList<>()).add(p);
        }
      }
      assertThat(positions.get("C")).as("pair %d: %s", pair, positions)
          .containsExactlyInAnyOrderElementsOf(positions.get("T"));
      assertThat(positions.get("N")).as("pair %d: %s", pair, positions)
          .containsExactlyInAnyOrderElementsOf(positions.get("J"));
      assertThat(positions.get("C")).doesNotContainAnyElementsOf(positions.get("J"));
    }
  }
}
