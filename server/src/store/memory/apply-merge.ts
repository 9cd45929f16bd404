import { interleaveSteps } from '../../journeys/interleave-steps';
import type { MergeInstruction, UpdateSettings } from '../profile-store';
import { profileHash } from './profile-hash';
import { addToWindow, setTrait, type VisitorState } from './visitor-state';

/** The memory twin of `store/redis/merge-script.ts`. */
export const applyMerge = (state: VisitorState, merge: MergeInstruction, settings: UpdateSettings): void => {
  const hash = profileHash(state.fields, settings.maxFields, settings.affinityHalfLifeSec);
  for (const [field, delta] of Object.entries(merge.sum)) hash.add(field, delta);
  for (const [field, value] of Object.entries(merge.max)) hash.putMax(field, value);
  for (const [field, value] of Object.entries(merge.min)) hash.putMin(field, value);
  for (const [field, value] of Object.entries(merge.set)) hash.put(field, value);
  for (const [field, value] of Object.entries(merge.setIfAbsent)) hash.putIfAbsent(field, value);
  for (const [topic, [score, at]] of Object.entries(merge.affinity)) hash.addAffinity(topic, score, at);
  for (const [bucket, count] of Object.entries(merge.windows)) addToWindow(state, bucket, count, settings.maxWindowBuckets);
  const recent = [...state.recent];
  for (const item of merge.recent) if (!recent.includes(item)) recent.push(item);
  state.recent = recent.slice(0, settings.recentCap);
  state.steps = interleaveSteps(state.steps, merge.steps, settings.journeySteps);
  for (const [key, value] of Object.entries(merge.traits)) {
    if (merge.traitsWin || !state.traits.has(key)) setTrait(state, key, value, settings.maxTraits);
  }
};
