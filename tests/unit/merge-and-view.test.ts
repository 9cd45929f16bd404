import { mergeInstruction } from '../../server/src/profiles/merge-profiles';
import { toProfileView, topicShares } from '../../server/src/profiles/profile-view';
import { ProfileFacts } from '../../server/src/segments/rules/profile-facts';
import type { StoredProfile } from '../../server/src/store/profile-store';

const DAY = 86_400;
const NOW = 1_790_000_000;
const profile = (fields: Record<string, string>, extra: Partial<StoredProfile> = {}): StoredProfile => ({
  fields,
  windows: {},
  recent: [],
  steps: [],
  traits: {},
  segments: [],
  ...extra,
});

describe('mergeInstruction', () => {
  const target = profile({ fs: String(NOW - 5 * DAY), ls: String(NOW - DAY), 'a0:us': 'google', 'a1:us': 'google' });
  const source = profile(
    {
      fs: String(NOW - 9 * DAY),
      ls: String(NOW - 2 * DAY),
      sn: '2',
      pv: '7',
      'e:Signup': '1',
      'b:Drama': '2',
      sx: '80',
      't:Drama': `1500|${NOW - 2 * DAY}`,
      'a0:us': 'newsletter',
      'a1:us': 'newsletter',
      loc: 'de',
    },
    { windows: { '20700:pv': 3 }, recent: ['x'], steps: ['[1,"p","Home","",""]'], traits: { plan: '"free"' } }
  );

  it('sums counters, keeps extremes, carries decayed affinities and windows', () => {
    const merge = mergeInstruction(target, source);
    expect(merge.sum).toEqual({ sn: 2, pv: 7, 'e:Signup': 1, 'b:Drama': 2 });
    expect(merge.max).toEqual({ ls: NOW - 2 * DAY, sx: 80 });
    expect(merge.min).toEqual({ fs: NOW - 9 * DAY });
    expect(merge.affinity).toEqual({ Drama: [1.5, NOW - 2 * DAY] });
    expect(merge.windows).toEqual({ '20700:pv': 3 });
    expect(merge.recent).toEqual(['x']);
    // The store interleaves the source's steps with the target's by time (store contract suite).
    expect(merge.steps).toEqual(['[1,"p","Home","",""]']);
  });

  it('takes first-session attribution from the profile that started first, the rest from the one active last', () => {
    const merge = mergeInstruction(target, source);
    expect(merge.set).toEqual({ 'a0:us': 'newsletter' });
    expect(merge.setIfAbsent).toEqual({ 'a1:us': 'newsletter', loc: 'de' });
    expect(merge.traitsWin).toBe(false);
  });
});

describe('profile view', () => {
  it('reads counters, attribution, traits and time facts', () => {
    const view = toProfileView(
      profile(
        { fs: String(NOW - 10 * DAY), ls: String(NOW - 2 * DAY), sn: '3', pv: '4', su: '150', sx: '75', dw: '90', 'e:Signup': '1', 'c:video': '2', 'b:Horror': '2', 'a1:dv': 'mobile', 'a1:us': '', uid: 'h' },
        { traits: { plan: '"pro"', broken: '{' } }
      ),
      NOW,
      14 * DAY
    );
    expect(view).toMatchObject({
      daysSinceFirstSeen: 10,
      daysSinceLastSeen: 2,
      sessions: 3,
      pageviews: 4,
      dwellSeconds: 90,
      scroll: { max: 75, mean: 38 },
      events: { Signup: 1 },
      categories: { video: 2 },
      bounces: { Horror: 2 },
      attribution: { latest: { deviceType: 'mobile', utmSource: null } },
      traits: { plan: 'pro', broken: '{' },
      identified: true,
    });
  });

  it('gives topic shares after decay, summing to 1', () => {
    // Equal raw scores, one a half-life older: shares 2/3 and 1/3.
    const shares = topicShares({ 't:new': `1000|${NOW}`, 't:old': `1000|${NOW - 14 * DAY}` }, NOW, 14 * DAY);
    expect(shares).toEqual({ new: 0.6667, old: 0.3333 });
  });

  it('sums a counter over the last n calendar days, or the last n hours', () => {
    const today = Math.floor(NOW / DAY);
    const hour = Math.floor(NOW / 3600);
    const stored = profile({}, {
      windows: { [`${today}:pv`]: 2, [`${today - 6}:pv`]: 3, [`${today - 7}:pv`]: 5, [`${today}:e:X`]: 1, [`h${hour}:pv`]: 1, [`h${hour - 5}:pv`]: 4, [`h${hour - 6}:pv`]: 8 },
    });
    const facts = new ProfileFacts({ profile: stored, now: NOW, affinityHalfLifeSec: 14 * DAY, sessionGapSec: 1800 });
    expect(facts.windowed('pv', 7, 'd')).toBe(5);
    expect(facts.windowed('pv', 8, 'd')).toBe(10);
    expect(facts.windowed('e:X', 1, 'd')).toBe(1);
    expect(facts.windowed('pv', 1, 'h')).toBe(1);
    expect(facts.windowed('pv', 6, 'h')).toBe(5);
    expect(facts.windowed('pv', 7, 'h')).toBe(13);
  });
});
