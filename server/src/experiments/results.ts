import { sampleRatioTest, twoProportionZTest, wilsonInterval } from './statistics';

/** What the counters say about one arm (holdout excluded). */
export interface ArmCounts {
  key: string;
  weight: number;
  visitors: number;
  /** goal key -> visitors who converted at least once, and conversions in all. */
  conversions: Record<string, { visitors: number; total: number }>;
}

export const SRM_THRESHOLD = 0.001;
export const SIGNIFICANCE = 0.05;

const round = (value: number, digits = 6) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Per arm and goal: conversion rate with its 95 % Wilson interval, lift over control, a two-sided
 * two-proportion z-test against control; for the whole experiment, a sample-ratio-mismatch check.
 * Pure.
 */
export const experimentResults = (arms: ArmCounts[], goals: string[], controlKey: string) => {
  const control = arms.find((arm) => arm.key === controlKey);
  const srm = sampleRatioTest(
    arms.map((arm) => arm.visitors),
    arms.map((arm) => arm.weight)
  );
  return {
    arms: arms.map((arm) => ({
      key: arm.key,
      weight: arm.weight,
      visitors: arm.visitors,
      goals: Object.fromEntries(
        goals.map((goal) => {
          const converted = arm.conversions[goal]?.visitors ?? 0;
          const rate = arm.visitors > 0 ? converted / arm.visitors : 0;
          const [low, high] = wilsonInterval(converted, arm.visitors);
          const baseConverted = control?.conversions[goal]?.visitors ?? 0;
          const baseRate = control && control.visitors > 0 ? baseConverted / control.visitors : 0;
          const test = arm.key === controlKey || !control ? null : twoProportionZTest(converted, arm.visitors, baseConverted, control.visitors);
          return [
            goal,
            {
              conversions: converted,
              total: arm.conversions[goal]?.total ?? 0,
              rate: round(rate),
              interval: [round(low), round(high)],
              lift: arm.key === controlKey || baseRate === 0 ? null : round((rate - baseRate) / baseRate),
              z: test ? round(test.z, 4) : null,
              pValue: test ? round(test.pValue, 6) : null,
              significant: test ? test.pValue < SIGNIFICANCE : null,
            },
          ];
        })
      ),
    })),
    sampleRatio: srm
      ? { chi2: round(srm.chi2, 4), df: srm.df, pValue: round(srm.pValue, 6), mismatch: srm.pValue < SRM_THRESHOLD }
      : null,
  };
};
