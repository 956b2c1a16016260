package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The median of {@code tlskit bench}'s rounds and its bootstrap interval. */
class RoundStatsTest {
  private static final List<Double> PATTERN = List.of(0.90, 0.95, 0.97, 1.00, 1.02, 1.05, 1.10, 0.80, 1.20);

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(RoundStats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(RoundStats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(RoundStats.median(List.of())).isZero();
  }

  @Test
  void theIntervalHoldsTheMedianAndLiesWithinTheValues() {
    assertThat(RoundStats.median(PATTERN)).isEqualTo(1.00);
    RoundStats.Interval ci = RoundStats.medianInterval(PATTERN);
    assertThat(ci.contains(1.00)).as("%s", ci).isTrue();
    assertThat(ci.width()).as("%s", ci).isPositive();
    assertThat(ci.low()).isGreaterThanOrEqualTo(0.80);
    assertThat(ci.high()).isLessThanOrEqualTo(1.20);
    // the tails are 2.5% each: a value seen in less than that share of resamples as the median is outside
    assertThat(ci.low()).isGreaterThan(0.80);
    assertThat(ci.high()).isLessThan(1.20);
  }

  @Test
  void identicalRoundsGiveAnIntervalOfWidthZero() {
    RoundStats.Interval ci = RoundStats.medianInterval(Collections.nCopies(6, 1.07));
    assertThat(ci.low()).isEqualTo(1.07);
    assertThat(ci.high()).isEqualTo(1.07);
  }

  @Test
  void moreRoundsOfTheSameSpreadGiveANarrowerInterval() {
    double previous = Double.MAX_VALUE;
    for (int copies : new int[] {1, 4, 16}) {
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < copies; i++) values.addAll(PATTERN);
      RoundStats.Interval ci = RoundStats.medianInterval(values);
      assertThat(ci.contains(1.00)).as("%d rounds: %s", values.size(), ci).isTrue();
      assertThat(ci.width()).as("%d rounds: %s", values.size(), ci).isLessThan(previous);
      previous = ci.width();
    }
  }

  @Test
  void theSameSeedGivesTheSameIntervalAndAnotherSeedMayNot() {
    List<Double> values = List.of(0.97, 1.12, 0.88, 1.03, 0.99, 1.21, 0.93);
    assertThat(RoundStats.medianInterval(values)).isEqualTo(RoundStats.medianInterval(values))
        .isEqualTo(RoundStats.medianInterval(values, RoundStats.RESAMPLES, RoundStats.SEED));
    List<RoundStats.Interval> bySeed = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) bySeed.add(RoundStats.medianInterval(values, 50, seed));
    assertThat(bySeed.stream().distinct().count()).as("%s", bySeed).isGreaterThan(1);
  }

  @Test
  void noValuesIsAnError() {
    assertThatThrownBy(() -> RoundStats.medianInterval(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
