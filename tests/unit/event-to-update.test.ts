import { batchToUpdates, eventToUpdate, journeyStepOf, type EventContext } from '../../server/src/ingest/event-to-update';
import type { IncomingEvent } from '../../server/src/ingest/event-schema';
import { messageHash } from '../../server/src/ingest/message-hash';
import { decodeStep } from '../../server/src/journeys/journey-step';
import { personalKeyMatcher } from '../../server/src/profiles/personal-data';

const NOW = 1_790_000_000;
const context: EventContext = {
  nowSec: NOW,
  deviceTypeOf: (ua) => (ua?.includes('iPhone') ? 'mobile' : 'desktop'),
  entryTopics: (event) => (event.properties?.documentId === 'doc-1' ? ['Horror'] : []),
  entryContentType: (event) => (event.properties?.contentType === 'article' ? 'api::article.article' : undefined),
  isPersonalKey: personalKeyMatcher(['email']),
  sessionGapSec: 1800,
};
const at = (offsetSec: number) => new Date((NOW + offsetSec) * 1000).toISOString();

describe('eventToUpdate', () => {
  it('counts a page view, its name, its topics and the item it shows', () => {
    const update = eventToUpdate(
      { type: 'page', name: 'Pricing', timestamp: at(-60), messageId: 'm-1', properties: { topics: ['Tech', 'AI'], documentId: 'doc-1' } },
      context,
      false
    );
    expect(update).toEqual({
      ts: NOW - 60,
      dedup: messageHash('m-1'),
      incr: { pv: 1, 'pn:Pricing': 1 },
      windowed: { pv: 1, 'pn:Pricing': 1 },
      affinity: { Tech: 1, AI: 1, Horror: 1 },
      recentItem: 'doc-1',
      step: `[${NOW - 60},"p","Pricing","","","Tech","AI","Horror"]`,
    });
  });

  it('counts a track event by name, category and category/action; only name and category are windowed', () => {
    const update = eventToUpdate({ type: 'track', event: 'Video Playback Started', category: 'video', action: 'play' }, context, false);
    expect(update).toEqual({
      ts: NOW,
      incr: { 'e:Video Playback Started': 1, 'c:video': 1, 'ca:video/play': 1 },
      windowed: { 'e:Video Playback Started': 1, 'c:video': 1 },
      step: `[${NOW},"e","Video Playback Started","video"]`,
    });
  });

  it('turns Scroll Depth into the max and the per-page increment', () => {
    const update = eventToUpdate({ type: 'track', event: 'Scroll Depth', properties: { depth: 75, previous: 50 } }, context, false);
    expect(update.max).toEqual({ sx: 75 });
    expect(update.incr).toEqual({ su: 25 });
    expect(update.windowed).toBeUndefined();
    expect(eventToUpdate({ type: 'track', event: 'Scroll Depth', properties: { depth: 140 } }, context, false).max).toBeUndefined();
  });

  it('adds Dwell Time seconds, capped at an hour per report', () => {
    expect(eventToUpdate({ type: 'track', event: 'Dwell Time', properties: { seconds: 12.4 } }, context, false).incr).toMatchObject({ dw: 12 });
    expect(eventToUpdate({ type: 'track', event: 'Dwell Time', value: 99_999 }, context, false).incr).toMatchObject({ dw: 3600 });
  });

  it('keeps traits of identify calls as JSON, without the dropped ones', () => {
    const update = eventToUpdate({ type: 'identify', traits: { plan: 'pro', seats: 3, email: 'a@b.c' } }, context, false);
    expect(update.traits).toEqual({ plan: '"pro"', seats: '3' });
  });

  it('drops personal data from traits whatever the case, spelling or depth, and values that look like e-mails or IPs', () => {
    const traits = {
      Email: 'x@example.com',
      user_email: 'x@example.com',
      contact: { email: 'x@example.com', city: 'Lyon', note: 'write to x@example.com' },
      mobile: '+33 6 12 34 56 78',
      first_name: 'Jane',
      ip: '203.0.113.7',
      lastLogin: { from: '2001:db8::1', at: '2026-11-30' },
      plan: 'pro',
      planName: 'Pro yearly',
      tags: ['vip', 'admin@example.com'],
    };
    const update = eventToUpdate({ type: 'identify', traits }, context, false);
    expect(update.traits).toEqual({
      contact: '{"city":"Lyon"}',
      lastLogin: '{"at":"2026-11-30"}',
      plan: '"pro"',
      planName: '"Pro yearly"',
      tags: '["vip"]',
    });
  });

  it('never turns an e-mail or IP address into a counter, topic, attribution value or item', () => {
    const update = eventToUpdate(
      {
        type: 'page',
        name: 'Welcome jane@example.com',
        properties: { topics: ['Drama', 'bob@example.com'], documentId: '198.51.100.4' },
        context: { campaign: { source: 'jane@example.com', medium: 'email' }, page: { url: 'https://a.example/', referrer: 'http://203.0.113.9/x' } },
      },
      context,
      true
    );
    expect(update.incr).toEqual({ pv: 1 });
    expect(update.affinity).toEqual({ Drama: 1 });
    expect(update.recentItem).toBeUndefined();
    expect(update.setOnce).toMatchObject({ 'a0:us': '', 'a0:um': 'email', 'a0:rh': '' });
    const track = eventToUpdate({ type: 'track', event: 'Signup', properties: { category: 'x@y.co' } }, context, false);
    expect(track.incr).toEqual({ 'e:Signup': 1 });
    // Names are remembered once judged: the same personal name sent again is judged again, and dropped.
    for (let i = 0; i < 2; i++) {
      expect(eventToUpdate({ type: 'track', event: 'Signup', properties: { category: 'x@y.co' } }, context, false).incr).toEqual({ 'e:Signup': 1 });
      expect(eventToUpdate({ type: 'track', event: ' Mail x@y.co ' }, context, false).incr).toBeUndefined();
    }
  });

  it("counts Segment's properties.category like a top-level category, and a screen like a page view", () => {
    expect(eventToUpdate({ type: 'track', event: 'Played', properties: { category: 'video', action: 'play' } }, context, false).incr).toEqual({
      'e:Played': 1,
      'c:video': 1,
      'ca:video/play': 1,
    });
    expect(eventToUpdate({ type: 'screen', name: 'Dashboard' }, context, false).incr).toEqual({ pv: 1, 'pn:Dashboard': 1 });
  });

  it('keeps a group call as the trait groupId, and leaves alias calls out of the activity', () => {
    expect(eventToUpdate({ type: 'group', groupId: 'acme', traits: { name: 'Acme' } }, context, false).traits).toEqual({ groupId: '"acme"' });
    expect(batchToUpdates([{ type: 'alias', previousId: 'old-id-1', userId: 'u-1' }, { type: 'page' }], context).updates).toHaveLength(1);
  });

  it('sends attribution only on events that may open a session, with every field present', () => {
    const event: IncomingEvent = {
      type: 'page',
      context: {
        page: { url: 'https://shop.example/a', referrer: 'https://www.google.com/search?q=x' },
        campaign: { source: 'google', medium: 'cpc', name: 'winter' },
        userAgent: 'Mozilla/5.0 (iPhone; ...)',
      },
    };
    const update = eventToUpdate(event, context, true);
    const attribution = { us: 'google', um: 'cpc', uc: 'winter', rh: 'www.google.com', dv: 'mobile' };
    expect(update.setOnce).toEqual(Object.fromEntries(Object.entries(attribution).map(([k, v]) => [`a0:${k}`, v])));
    expect(update.setOnSessionStart).toEqual(Object.fromEntries(Object.entries(attribution).map(([k, v]) => [`a1:${k}`, v])));
    expect(eventToUpdate(event, context, false).setOnce).toBeUndefined();
  });

  it('ignores a same-site referrer (internal navigation is not acquisition)', () => {
    const update = eventToUpdate(
      { type: 'page', context: { page: { url: 'https://shop.example/b', referrer: 'https://shop.example/a' } } },
      context,
      true
    );
    expect(update.setOnce?.['a0:rh']).toBe('');
  });

  it('clips long names so profile fields stay short', () => {
    const update = eventToUpdate({ type: 'track', event: 'x'.repeat(150) }, context, false);
    expect(Object.keys(update.incr ?? {})).toEqual([`e:${'x'.repeat(60)}`]);
  });

  // Found by the public-endpoint fuzz: " constructor" passes the body's scan (which refuses prototype
  // keys as sent) and became the stored trait "constructor" once trimmed.
  it('keeps no prototype name as a trait key, counter name or topic, however it is padded', () => {
    const identify = eventToUpdate({ type: 'identify', traits: { ' constructor': 'x', 'prototype\t': 1, '__proto__ ': { a: 1 }, plan: 'pro' } }, context, false);
    expect(identify.traits).toEqual({ plan: '"pro"' });
    const track = eventToUpdate({ type: 'track', event: ' __proto__', category: 'constructor ', properties: { topics: ['prototype', ' Drama'] } }, context, false);
    expect(track.incr).toBeUndefined();
    expect(track.affinity).toEqual({ Drama: 1 });
    const page = eventToUpdate({ type: 'page', name: '\tconstructor' }, context, false);
    expect(page.incr).toEqual({ pv: 1 });
  });
});

describe('journeyStepOf', () => {
  const TS = NOW - 30;

  it('makes a page or screen view a page step, with its name, category, content type and first topics', () => {
    const event: IncomingEvent = { type: 'page', name: 'Film', category: 'catalogue', properties: { contentType: 'article', documentId: 'doc-1' } };
    expect(journeyStepOf(event, TS, ['Horror', 'Drama', 'Comedy', 'Crime'], 'api::article.article')).toEqual({
      ts: TS,
      kind: 'page',
      name: 'Film',
      category: 'catalogue',
      contentType: 'api::article.article',
      topics: ['Horror', 'Drama', 'Comedy'],
    });
    expect(journeyStepOf({ type: 'screen', name: 'Dashboard' }, TS, [], undefined)).toEqual({ ts: TS, kind: 'page', name: 'Dashboard' });
    // A page without a name is still a step: where the visitor went is in its entry.
    expect(journeyStepOf({ type: 'page' }, TS, [], undefined)).toEqual({ ts: TS, kind: 'page', name: '' });
    expect(journeyStepOf({ type: 'page', properties: { name: 'Pricing' } }, TS, [], undefined)?.name).toBe('Pricing');
  });

  it("makes a track event an event step, with Segment's properties.category", () => {
    expect(journeyStepOf({ type: 'track', event: 'Signup', properties: { category: 'account' } }, TS, [], undefined)).toEqual({
      ts: TS,
      kind: 'event',
      name: 'Signup',
      category: 'account',
    });
  });

  it('records no step for scroll and dwell reports, identify, group and alias calls, or a track without a usable name', () => {
    const none: IncomingEvent[] = [
      { type: 'track', event: 'Scroll Depth', properties: { depth: 50 } },
      { type: 'track', event: 'Dwell Time', properties: { seconds: 5 } },
      { type: 'track', event: ' __proto__' },
      { type: 'track', event: 'mail me at jane@example.com' },
      { type: 'track' },
      { type: 'identify', traits: { plan: 'pro' } },
      { type: 'group', groupId: 'acme' },
      { type: 'alias', previousId: 'old-id-1', userId: 'u-1' },
    ];
    for (const event of none) expect(journeyStepOf(event, TS, ['Drama'], undefined)).toBeUndefined();
  });

  it('keeps personal data and prototype names out of a step, and clips long names', () => {
    const page = journeyStepOf({ type: 'page', name: 'Welcome jane@example.com', category: 'constructor' }, TS, [], undefined);
    expect(page).toEqual({ ts: TS, kind: 'page', name: '' });
    expect(journeyStepOf({ type: 'track', event: 'x'.repeat(150) }, TS, [], undefined)?.name).toBe('x'.repeat(60));
  });

  it('is what eventToUpdate records, with the topics the event counts and the entry\'s content type', () => {
    const update = eventToUpdate(
      { type: 'track', event: 'Article Viewed', timestamp: at(-5), properties: { contentType: 'article', documentId: 'doc-1', topic: 'Tech' } },
      context,
      false
    );
    expect(decodeStep(update.step!)).toEqual({ ts: NOW - 5, kind: 'event', name: 'Article Viewed', contentType: 'api::article.article', topics: ['Tech', 'Horror'] });
    // A content type the site has not enabled (the context resolves only enabled ones) is left out.
    const other = eventToUpdate({ type: 'page', name: 'Home', properties: { contentType: 'secret-type' } }, context, false);
    expect(decodeStep(other.step!)).toEqual({ ts: NOW, kind: 'page', name: 'Home' });
    expect(eventToUpdate({ type: 'identify', traits: { plan: 'pro' } }, context, false).step).toBeUndefined();
  });

  it('hands funnels the same step, the entry\'s content type included', () => {
    const seen: unknown[] = [];
    const withFunnels: EventContext = { ...context, funnelHits: (step) => (seen.push(step), []) };
    const update = eventToUpdate({ type: 'page', timestamp: at(-5), properties: { contentType: 'article' } }, withFunnels, false);
    expect(seen).toEqual([{ ts: NOW - 5, kind: 'page', name: '', contentType: 'api::article.article' }]);
    expect(decodeStep(update.step!)).toEqual(seen[0]);
  });
});

describe('bounces', () => {
  const bouncing: EventContext = { ...context, bounce: { maxSeconds: 10, weight: 0.5 } };
  /** The final Dwell Time report of a page showing `doc-1` (topic Horror). */
  const leave = (properties: Record<string, unknown> = {}): IncomingEvent => ({
    type: 'track',
    event: 'Dwell Time',
    properties: { seconds: 3, total: 4, left: true, interacted: false, contentType: 'api::movie.movie', documentId: 'doc-1', ...properties },
  });

  it("counts a quick leave without interaction as a bounce on the entry's topics, and takes from their affinity", () => {
    const update = eventToUpdate(leave({ topics: ['Thriller'] }), bouncing, false);
    expect(update.incr).toEqual({ 'b:Thriller': 1, 'b:Horror': 1, dw: 3 });
    expect(update.windowed).toEqual({ 'b:Thriller': 1, 'b:Horror': 1 });
    expect(update.affinity).toEqual({ Thriller: -0.5, Horror: -0.5 });
    // Left after 0 visible seconds (hidden at once): still a bounce, with no dwell to add.
    expect(eventToUpdate(leave({ seconds: 0, total: 0 }), bouncing, false)).toMatchObject({ incr: { 'b:Horror': 1 }, affinity: { Horror: -0.5 } });
  });

  it.each([
    ['the visitor interacted', { interacted: true }],
    ['the page was seen for bounceSeconds or longer', { total: 10 }],
    ['it is not the final report', { left: undefined }],
    ['the report does not say whether the visitor interacted', { interacted: undefined }],
    ['the total is not a number', { total: '4' }],
    ['the page shows no entry', { contentType: undefined, documentId: undefined }],
    ['the entry has no topics', { documentId: 'doc-2' }],
  ])('is no bounce when %s: the report adds to affinity as before', (_label, properties) => {
    const update = eventToUpdate(leave(properties), bouncing, false);
    expect(Object.keys(update.incr ?? {}).filter((field) => field.startsWith('b:'))).toEqual([]);
    expect(update.windowed).toBeUndefined();
    expect(Object.values(update.affinity ?? {}).every((weight) => weight > 0)).toBe(true);
  });

  it('is no bounce when bounces are off (bounceSeconds 0, or no rule) or for another event', () => {
    for (const off of [{ ...context, bounce: { maxSeconds: 0, weight: 0.5 } }, context]) {
      const update = eventToUpdate(leave(), off, false);
      expect(update.incr).toEqual({ dw: 3 });
      expect(update.affinity).toEqual({ Horror: 1 });
    }
    expect(eventToUpdate({ ...leave(), event: 'Video Played' }, bouncing, false).incr).toEqual({ 'e:Video Played': 1 });
  });

  it('counts a bounce but leaves affinity alone with bounceWeight 0', () => {
    const update = eventToUpdate(leave(), { ...context, bounce: { maxSeconds: 10, weight: 0 } }, false);
    expect(update.incr).toEqual({ 'b:Horror': 1, dw: 3 });
    expect(update.affinity).toBeUndefined();
  });
});

describe('batchToUpdates', () => {
  it('orders events by time and marks the ones that may open a session', () => {
    const { updates, events } = batchToUpdates(
      [
        { type: 'page', timestamp: at(-100), name: 'c' },
        { type: 'page', timestamp: at(-4000), name: 'a' },
        { type: 'page', timestamp: at(-3900), name: 'b' },
      ],
      context
    );
    expect(updates.map((update) => update.ts)).toEqual([NOW - 4000, NOW - 3900, NOW - 100]);
    expect(events.map((event) => event.name)).toEqual(['a', 'b', 'c']);
    expect(updates.map((update) => update.setOnce !== undefined)).toEqual([true, false, true]);
  });
});
