import murmurhash from 'murmurhash';

/**
 * Deterministic assignment of visitors to experiment arms: MurmurHash3 (32-bit) of the experiment
 * key and the visitor id, mapped to [0, 1). Pure: the same visitor gets the same arm on every
 * instance, with no state; the store only remembers the arm once it was served (sticky bucketing),
 * so that later weight changes move new visitors only.
 */

export const HOLDOUT = 'holdout';

export interface ArmWeight {
  key: string;
  weight: number;
}

/** A number in [0, 1) from a string. */
export const unitHash = (value: string): number => murmurhash.v3(value) / 2 ** 32;

/**
 * The arm for a visitor: first the holdout (a share of visitors left out of the experiment, drawn
 * with its own hash so it does not skew the arms), then the arms by weight.
 */
export const assignArm = (experimentKey: string, visitorId: string, arms: readonly ArmWeight[], holdoutPercent = 0): string => {
  if (holdoutPercent > 0 && unitHash(`${experimentKey}|holdout|${visitorId}`) * 100 < holdoutPercent) return HOLDOUT;
  const total = arms.reduce((sum, arm) => sum + Math.max(0, arm.weight), 0);
  if (total <= 0) return arms[0]?.key ?? HOLDOUT;
  let point = unitHash(`${experimentKey}|arm|${visitorId}`) * total;
  for (const arm of arms) {
    point -= Math.max(0, arm.weight);
    if (point < 0) return arm.key;
  }
  return arms[arms.length - 1].key;
};
