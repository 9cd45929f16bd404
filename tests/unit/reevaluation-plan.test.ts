import { evaluationScope, needsEvaluation } from '../../server/src/segments/reevaluation-plan';

const DAY = 86_400;
const LAST_START = 1_790_000_000;

describe('which profiles a re-evaluation pass reads and evaluates', () => {
  it('reads every profile after a change, or without a completed pass to start from', () => {
    expect(evaluationScope('all', [7 * DAY], LAST_START)).toBe('all');
    expect(evaluationScope('time', [7 * DAY], undefined)).toBe('all');
  });

  it('on schedule, reads those seen within the longest lookback before the last pass began', () => {
    expect(evaluationScope('time', [null, 7 * DAY, 2 * DAY, undefined], LAST_START)).toBe(LAST_START - 7 * DAY);
    expect(needsEvaluation(LAST_START - 7 * DAY, LAST_START - 7 * DAY)).toBe(true);
    expect(needsEvaluation(LAST_START - 7 * DAY, LAST_START - 7 * DAY - 1)).toBe(false);
    expect(needsEvaluation(LAST_START - 7 * DAY, null)).toBe(false);
  });

  it('reads none when no rule depends on time, and all when one asks for a percentile', () => {
    expect(evaluationScope('time', [null, undefined], LAST_START)).toBe('none');
    expect(evaluationScope('time', [], LAST_START)).toBe('none');
    expect(needsEvaluation('none', LAST_START)).toBe(false);
    expect(evaluationScope('time', [DAY, Infinity], LAST_START)).toBe('all');
    expect(needsEvaluation('all', null)).toBe(true);
  });
});
