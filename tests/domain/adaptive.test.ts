import { describe, expect, it } from 'vitest';
import {
  adaptiveBaseline,
  chiSquareQuantile95,
  countUpperTail,
  historyRange,
  isAdaptiveBreach,
  logGamma,
  negativeBinomialBound,
  pastWindowCount,
  tailProbabilityFor,
  type AdaptiveParameters,
} from '../../functions/domain/adaptive.ts';
import { seededRandom as seeded } from '../../functions/domain/random.ts';


/** Poisson by inversion (Knuth's product method overflows for large means, so chunk it). */
function poisson(rand: () => number, mean: number): number {
  let k = 0;
  let remaining = mean;
  while (remaining > 0) {
    const step = Math.min(remaining, 30);
    remaining -= step;
    const limit = Math.exp(-step);
    let p = rand();
    while (p > limit) {
      k += 1;
      p *= rand();
    }
  }
  return k;
}

const params = (tailProbability: number, overrides: Partial<AdaptiveParameters> = {}): AdaptiveParameters => ({
  tailProbability,
  minCount: 1,
  minWeeks: 3,
  ...overrides,
});

describe('count distribution math', () => {
  it('computes ln Γ exactly enough', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it('puts the Poisson bound where the tail first drops to the nominal probability', () => {
    const k = negativeBinomialBound(10, 10, 0.01);
    expect(countUpperTail(k, 10, 10)).toBeLessThanOrEqual(0.01);
    expect(countUpperTail(k - 1, 10, 10)).toBeGreaterThan(0.01);
    // P(Poisson(10) ≥ 19) = 0.00719, P(≥ 18) = 0.01427.
    expect(k).toBe(19);
  });

  it('gives a wider bound to an over-dispersed count of the same mean', () => {
    expect(negativeBinomialBound(10, 30, 0.01)).toBeGreaterThan(negativeBinomialBound(10, 10, 0.01));
  });

  it('has the chi-square quantiles a dispersion test needs', () => {
    expect(chiSquareQuantile95(2)).toBeCloseTo(5.991, 1);
    expect(chiSquareQuantile95(3)).toBeCloseTo(7.815, 1);
  });

  it('derives the per-window tail from the nominal false alarms per month', () => {
    expect(tailProbabilityFor(60, 0.5)).toBeCloseTo(6.94e-5, 7);
    expect(tailProbabilityFor(1440, 0.5)).toBeCloseTo(1.667e-3, 6);
    expect(tailProbabilityFor(1440, 0.5)).toBeCloseTo(24 * tailProbabilityFor(60, 0.5), 12);
  });
});

describe('adaptive baseline', () => {
  it('says nothing until enough weeks have data', () => {
    expect(adaptiveBaseline([12, 10, undefined, undefined], params(0.001))).toBeUndefined();
    expect(adaptiveBaseline([12, 10, 11, undefined], params(0.001))).toMatchObject({ weeks: 3 });
  });

  it('takes the median across weeks, so one past incident week does not raise the expectation', () => {
    const quiet = adaptiveBaseline([20, 22, 18, 21], params(0.001))!;
    const withIncident = adaptiveBaseline([20, 22, 18, 140], params(0.001))!;
    expect(withIncident.expected).toBe(21);
    expect(withIncident.distribution).toBe('poisson');
    expect(withIncident.bound - quiet.bound).toBeLessThanOrEqual(1);
  });

  it('switches to the negative binomial for over-dispersed history and widens the bound', () => {
    const steady = adaptiveBaseline([30, 29, 31, 30], params(0.001))!;
    const volatile = adaptiveBaseline([10, 50, 30, 28, 45, 12], params(0.001, { minWeeks: 4 }))!;
    expect(steady.distribution).toBe('poisson');
    expect(volatile.distribution).toBe('negative-binomial');
    expect(volatile.dispersion).toBeGreaterThan(3);
    expect(volatile.bound).toBeGreaterThan(steady.bound + 10);
  });

  it('never pages below the floor: 2 complaints against an expected 0.3 stay quiet', () => {
    const baseline = adaptiveBaseline([0, 1, 0, 0], params(0.01, { minCount: 5 }))!;
    expect(baseline.expected).toBeLessThan(0.5);
    expect(baseline.bound).toBe(5);
    expect(isAdaptiveBreach(2, baseline)).toBe(false);
    expect(isAdaptiveBreach(5, baseline)).toBe(true);
    expect(isAdaptiveBreach(100, undefined)).toBe(false);
  });

  // Each simulated window gets its own four weeks of history, so the rate includes the error of
  // estimating the baseline, as it does in production.
  it.each([
    [8, 0.01],
    [25, 0.01],
    [80, 0.01],
    [25, 0.005],
  ])('false-alarm rate over 10,000 quiet windows with Poisson rate %d stays within ±50%% of the nominal %d', (rate, tail) => {
    const rand = seeded(rate * 1000 + Math.round(tail * 1e4));
    const windows = 10_000;
    let alarms = 0;
    for (let i = 0; i < windows; i++) {
      const history = [poisson(rand, rate), poisson(rand, rate), poisson(rand, rate), poisson(rand, rate)];
      if (isAdaptiveBreach(poisson(rand, rate), adaptiveBaseline(history, params(tail)))) alarms += 1;
    }
    const observed = alarms / windows;
    expect(observed).toBeGreaterThanOrEqual(tail * 0.5);
    expect(observed).toBeLessThanOrEqual(tail * 1.5);
  });

  it.each([25, 50, 150])('catches a sustained 3× step within two windows (normal rate %d per window, default sensitivity)', (rate) => {
    const rand = seeded(rate);
    const tail = tailProbabilityFor(60, 0.5);
    let missed = 0;
    const trials = 2_000;
    for (let i = 0; i < trials; i++) {
      const baseline = adaptiveBaseline([0, 0, 0, 0].map(() => poisson(rand, rate)), params(tail, { minCount: 5 }));
      const caught = [0, 1].some(() => isAdaptiveBreach(poisson(rand, 3 * rate), baseline));
      if (!caught) missed += 1;
    }
    expect(missed / trials).toBeLessThan(0.01);
  });
});

describe('history from hourly rollups', () => {
  const end = new Date('2026-11-20T10:30:00.000Z');

  it('reads the window a week back plus twelve hours either side', () => {
    expect(historyRange(end, 60, 1)).toEqual({ fromHour: '2026-11-12T21:00:00.000Z', toHour: '2026-11-13T22:00:00.000Z' });
  });

  it('weights each hour by its overlap with the window', () => {
    const hours = [
      { hour: '2026-11-13T09:00:00.000Z', count: 10 },
      { hour: '2026-11-13T10:00:00.000Z', count: 20 },
      { hour: '2026-11-13T11:00:00.000Z', count: 99 },
    ];
    // Window 09:30–10:30 a week back: half of 09:00 and half of 10:00.
    expect(pastWindowCount(hours, end, 60, 1)).toBe(15);
  });

  it('treats a week without a single complaint nearby as missing, not as zero', () => {
    expect(pastWindowCount([], end, 60, 1)).toBeUndefined();
    expect(pastWindowCount([{ hour: '2026-11-13T02:00:00.000Z', count: 1 }], end, 60, 1)).toBe(0);
  });
});
