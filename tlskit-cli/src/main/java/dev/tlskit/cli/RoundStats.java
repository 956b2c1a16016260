package dev.tlskit.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The statistics {@code tlskit bench} gives over its rounds' ratios: their median, and a percentile bootstrap
 * interval of that median (resampling the rounds with replacement, with a fixed seed so that the same ratios always
 * give the same interval).
 */
final class RoundStats {
  /** Resamples of the rounds per interval. */
  static final int RESAMPLES = 2000;
  /** The seed of every interval's resampling (java.util.Random, whose sequence the JDK specifies). */
  static final long SEED = 18;
  /** The interval's confidence. */
  static final double CONFIDENCE = 0.95;

  private RoundStats() {}

  /** A closed interval. */
  record Interval(double low, double high) {
    double width() {
      return high - low;
    }

    boolean contains(double v) {
      return v >= low && v <= high;
    }
  }

  /** Returns the median of {@code values} (0 for none). */
  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Returns the {@link #CONFIDENCE} percentile bootstrap interval of the median of {@code values}, from
   * {@link #RESAMPLES} resamples seeded with {@link #SEED}.
   */
  static Interval medianInterval(List<Double> values) {
    return medianInterval(values, RESAMPLES, SEED);
  }

  /**
   * Returns the {@link #CONFIDENCE} percentile bootstrap interval of the median of {@code values}: the 2.5th and
   * 97.5th percentiles of the medians of {@code resamples} samples of as many values drawn with replacement.
   */
  static Interval medianInterval(List<Double> values, int resamples, long seed) {
    if (values.isEmpty()) throw new IllegalArgumentException("no values to resample");
    if (resamples < 1) throw new IllegalArgumentException("resamples must be positive: " + resamples);
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Random random = new Random(seed);
    double[] medians = new double[resamples];
    double[] sample = new double[v.length];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < sample.length; i++) sample[i] = v[random.nextInt(v.length)];
      medians[b] = median(sample);
    }
    Arrays.sort(medians);
    double tail = (1 - CONFIDENCE) / 2;
    return new Interval(medians[(int) Math.round(tail * (resamples - 1))],
        medians[(int) Math.round((1 - tail) * (resamples - 1))]);
  }

  /** Returns the median of {@code values}, sorting them in place (0 for none). */
  private static double median(double[] values) {
    if (values.length == 0) return 0;
    Arrays.sort(values);
    int m = values.length / 2;
    return values.length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
  }
}
