import { mayStore } from '../../server/src/consent/consent-policy';

describe('mayStore', () => {
  const base = { globalPrivacyControl: false, honorBrowserSignals: true };
  it.each([
    ['opt-out', undefined, false, true],
    ['opt-out', 'denied', false, false],
    ['opt-out', undefined, true, false],
    ['opt-out', 'granted', true, true],
    ['opt-in', undefined, false, false],
    ['opt-in', 'granted', false, true],
    ['opt-in', 'denied', false, false],
    ['none', 'denied', true, true],
  ] as const)('mode %s, choice %s, GPC %s -> %s', (mode, choice, gpc, expected) => {
    expect(mayStore({ ...base, mode, choice, globalPrivacyControl: gpc })).toBe(expected);
  });

  it('ignores GPC when the site turns browser signals off', () => {
    expect(mayStore({ mode: 'opt-out', globalPrivacyControl: true, honorBrowserSignals: false })).toBe(true);
  });
});
