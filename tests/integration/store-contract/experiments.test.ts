/**
 * The experiment store's contract (`experiments/store/`) and resolution's one-round-trip read
 * (`variants/store/`): sticky arms, counters, erase; against Redis and memory.
 */
import { eraseVisitor } from '../../../server/src/identity/erase-visitor';
import { DAY, NOW, SETTINGS, newVisitor, describeEachDriver } from './drivers';

describeEachDriver((stores) => {
  it('records an experiment arm once (sticky), counts exposures and conversions, erases them with the visitor', async () => {
    const visitor = newVisitor();
    // A read by a visitor the store knows nothing of records nothing.
    expect(await stores.experiments.recordExposure(visitor, 'exp-a', 'b', NOW - 100, 3600)).toBe(false);
    expect(await stores.experiments.readAssignments(visitor)).toEqual({});
    expect(await stores.experiments.experimentCounters('exp-a')).toEqual({ totals: {}, daily: {} });
    await stores.profiles.applyUpdates(visitor, [{ ts: NOW - 200, incr: { pv: 1 } }], SETTINGS, NOW);
    expect(await stores.experiments.recordExposure(visitor, 'exp-a', 'b', NOW - 100, 3600)).toBe(true);
    expect(await stores.experiments.recordExposure(visitor, 'exp-a', 'control', NOW - 50, 3600)).toBe(false);
    expect(await stores.experiments.readAssignments(visitor)).toEqual({ 'exp-a': { arm: 'b', at: NOW - 100 } });
    await stores.membership.writeSegments(visitor, ['fans'], 3600);
    expect(await stores.resolution.readResolutionState(visitor)).toEqual({ segments: ['fans'], assignments: { 'exp-a': { arm: 'b', at: NOW - 100 } } });
    // Without running experiments, resolution reads the segments alone.
    expect(await stores.resolution.readResolutionState(visitor, { assignments: false })).toEqual({ segments: ['fans'], assignments: {} });
    expect(await stores.experiments.recordConversion(visitor, 'exp-a', 'b', 'signup', NOW, 3600)).toBe(true);
    expect(await stores.experiments.recordConversion(visitor, 'exp-a', 'b', 'signup', NOW, 3600)).toBe(false);
    const [exposureDay, day] = [Math.floor((NOW - 100) / DAY), Math.floor(NOW / DAY)];
    expect(await stores.experiments.experimentCounters('exp-a')).toEqual({
      totals: { 'v|b': 1, 'ct|signup|b': 2, 'cv|signup|b': 1 },
      daily: { [`${exposureDay}|v|b`]: 1, [`${day}|ct|signup|b`]: 2, [`${day}|cv|signup|b`]: 1 },
    });
    await eraseVisitor(stores, visitor, []);
    expect(await stores.experiments.readAssignments(visitor)).toEqual({});
    expect(await stores.experiments.recordConversion(visitor, 'exp-a', 'b', 'signup', NOW, 3600)).toBe(true);
    await stores.experiments.deleteExperimentData('exp-a');
    expect(await stores.experiments.experimentCounters('exp-a')).toEqual({ totals: {}, daily: {} });
  });

});
