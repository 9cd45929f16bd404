import type { Trigger, TriggerActions, TriggerCondition, TriggersMeta } from '../../api/types';
import type { StrategyId } from '../../../../server/src/recommendations/strategies';
import { LIST_OPERATORS, takesValue } from '../../components/RuleBuilder/rule-tree';

/**
 * The trigger form's state and its conversion from and to the admin API's body. Every field of
 * every condition type is kept while the editor switches between them; only the chosen one is
 * sent. Values are typed as editors type them (`12` is a number, `"12"` the text). Pure.
 */

type Scalar = string | number | boolean;

export type ConditionType = TriggerCondition['type'];
export const CONDITION_TYPES: ConditionType[] = ['event', 'segment', 'absence', 'dwell'];

/** The recommendation strategies (server/src/recommendations/strategies.ts; a unit test keeps them equal). */
export const STRATEGIES: StrategyId[] = ['cf-v1', 'next-v1', 'topic-v1', 'popular-v1'];

export interface FilterDraft {
  property: string;
  op: string;
  /** As typed: one value, or a comma-separated list for `in` / `nin`. */
  value: string;
}

export interface EventDraft {
  event: string;
  where: FilterDraft[];
}

export interface RecommendDraft {
  on: boolean;
  contentType: string;
  limit: number;
  /** '' is the content type's default strategy. */
  strategy: string;
}

export interface TriggerDraft {
  name: string;
  slug: string;
  enabled: boolean;
  cooldown: string;
  maxPerMinute?: number;
  conditionType: ConditionType;
  /** `event` and the first event of `absence`. */
  event: EventDraft;
  segment: string;
  change: 'enter' | 'leave';
  /** The follow-up event of `absence`. */
  unless: EventDraft;
  within: string;
  seconds?: number;
  /** '' is any page. */
  dwellContentType: string;
  audienceOn: boolean;
  onSiteOn: boolean;
  onSiteData: { key: string; value: string }[];
  onSiteRecommend: RecommendDraft;
  outboundOn: boolean;
  destination: string;
  includeRecommendations: RecommendDraft;
  includeVariant: { on: boolean; contentType: string; documentId: string; locale: string };
  visitorHour: { on: boolean; withinHours: number };
}

const emptyRecommend = (contentType = ''): RecommendDraft => ({ on: false, contentType, limit: 4, strategy: '' });

export const emptyTriggerDraft = (meta?: Pick<TriggersMeta, 'destinations' | 'dwellHeartbeatsSec' | 'contentTypes'>): TriggerDraft => ({
  name: '',
  slug: '',
  enabled: true,
  cooldown: '1d',
  maxPerMinute: undefined,
  conditionType: 'event',
  event: { event: '', where: [] },
  segment: '',
  change: 'enter',
  unless: { event: '', where: [] },
  within: '60m',
  seconds: meta?.dwellHeartbeatsSec[meta.dwellHeartbeatsSec.length - 1],
  dwellContentType: '',
  audienceOn: false,
  onSiteOn: false,
  onSiteData: [],
  onSiteRecommend: emptyRecommend(meta?.contentTypes[0]),
  outboundOn: false,
  destination: meta?.destinations[0]?.name ?? '',
  includeRecommendations: emptyRecommend(meta?.contentTypes[0]),
  includeVariant: { on: false, contentType: meta?.contentTypes[0] ?? '', documentId: '', locale: '' },
  visitorHour: { on: false, withinHours: 24 },
});

/** `12` → 12, `true` → true, `"12"` → "12" (quotes keep text), anything else as text. */
export const parseScalar = (text: string): Scalar => {
  const trimmed = text.trim();
  if (/^".*"$/.test(trimmed)) return trimmed.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return trimmed;
};

/** The text `parseScalar` reads back as this value (text that looks like a number or boolean is quoted). */
export const formatScalar = (value: Scalar): string => {
  if (typeof value !== 'string') return String(value);
  return value !== parseScalar(value) || /^".*"$/.test(value) ? `"${value}"` : value;
};

/** `a, "b, c", 3` → ['a', 'b, c', 3]. */
const splitList = (text: string): Scalar[] =>
  [...text.matchAll(/\s*("[^"]*"|[^,]+)/g)].map((match) => match[1].trim()).filter((part) => part !== '').map(parseScalar);

/** A list item as `splitList` reads it back (text with a comma is quoted). */
const formatListItem = (value: Scalar): string => (typeof value === 'string' && value.includes(',') ? `"${value}"` : formatScalar(value));

export const takesList = (op: string) => LIST_OPERATORS.includes(op);

const toFilter = (filter: FilterDraft) => ({
  property: filter.property.trim(),
  op: filter.op,
  ...(!takesValue(filter.op) ? {} : { value: takesList(filter.op) ? splitList(filter.value) : parseScalar(filter.value) }),
});

const fromFilter = (filter: { property: string; op: string; value?: Scalar | Scalar[] }): FilterDraft => ({
  property: filter.property,
  op: filter.op,
  value: filter.value === undefined ? '' : Array.isArray(filter.value) ? filter.value.map(formatListItem).join(', ') : formatScalar(filter.value),
});

const toEvent = (draft: EventDraft) => ({ event: draft.event.trim(), ...(draft.where.length > 0 ? { where: draft.where.map(toFilter) } : {}) });
const fromEvent = (event: string, where?: readonly { property: string; op: string; value?: Scalar | Scalar[] }[]): EventDraft => ({ event, where: (where ?? []).map(fromFilter) });

export const toCondition = (draft: TriggerDraft): TriggerCondition => {
  switch (draft.conditionType) {
    case 'event':
      return { type: 'event', ...toEvent(draft.event) } as TriggerCondition;
    case 'segment':
      return { type: 'segment', segment: draft.segment, change: draft.change };
    case 'absence':
      return { type: 'absence', ...toEvent(draft.event), unless: toEvent(draft.unless), within: draft.within.trim() } as TriggerCondition;
    case 'dwell':
      return { type: 'dwell', seconds: draft.seconds as number, ...(draft.dwellContentType ? { contentType: draft.dwellContentType } : {}) };
  }
};

const toRecommend = (draft: RecommendDraft) => ({ contentType: draft.contentType, limit: draft.limit, ...(draft.strategy ? { strategy: draft.strategy as StrategyId } : {}) });

export const toActions = (draft: TriggerDraft): TriggerActions => {
  const actions: TriggerActions = {};
  if (draft.onSiteOn) {
    const data = Object.fromEntries(draft.onSiteData.filter((entry) => entry.key.trim() !== '').map((entry) => [entry.key.trim(), parseScalar(entry.value)]));
    actions.onSite = {
      ...(Object.keys(data).length > 0 ? { data } : {}),
      ...(draft.onSiteRecommend.on ? { recommend: toRecommend(draft.onSiteRecommend) } : {}),
    };
  }
  if (draft.outboundOn) {
    const include = {
      ...(draft.includeRecommendations.on ? { recommendations: toRecommend(draft.includeRecommendations) } : {}),
      ...(draft.includeVariant.on
        ? {
            variant: {
              contentType: draft.includeVariant.contentType,
              documentId: draft.includeVariant.documentId.trim(),
              ...(draft.includeVariant.locale.trim() ? { locale: draft.includeVariant.locale.trim() } : {}),
            },
          }
        : {}),
    };
    actions.outbound = {
      destination: draft.destination,
      ...(Object.keys(include).length > 0 ? { include } : {}),
      ...(draft.visitorHour.on ? { visitorHour: { withinHours: draft.visitorHour.withinHours } } : {}),
    };
  }
  return actions;
};

/**
 * The body of `POST /personalization/triggers` (with the slug) or of `PUT .../:documentId` (the slug
 * never changes). `audience` is the rule builder's rules, sent only when the audience is on.
 */
export const toTriggerBody = (draft: TriggerDraft, audience: unknown, isNew: boolean) => ({
  name: draft.name.trim(),
  ...(isNew ? { slug: draft.slug } : {}),
  enabled: draft.enabled,
  cooldown: draft.cooldown.trim(),
  maxPerMinute: draft.maxPerMinute ?? null,
  condition: toCondition(draft),
  audience: draft.audienceOn ? audience : null,
  actions: toActions(draft),
});

const fromRecommend = (request: { contentType: string; limit: number; strategy?: string } | undefined, fallback: RecommendDraft): RecommendDraft =>
  request ? { on: true, contentType: request.contentType, limit: request.limit, strategy: request.strategy ?? '' } : fallback;

/** A stored trigger as the form edits it (its audience goes to the rule builder separately). */
export const fromTrigger = (trigger: Trigger, meta?: Parameters<typeof emptyTriggerDraft>[0]): TriggerDraft => {
  const draft = emptyTriggerDraft(meta);
  const { condition, actions } = trigger;
  const next: TriggerDraft = {
    ...draft,
    name: trigger.name,
    slug: trigger.slug,
    enabled: trigger.enabled,
    cooldown: trigger.cooldown,
    maxPerMinute: trigger.maxPerMinute ?? undefined,
    conditionType: condition.type,
    audienceOn: Boolean(trigger.audience),
  };
  if (condition.type === 'event' || condition.type === 'absence') next.event = fromEvent(condition.event, condition.where);
  if (condition.type === 'absence') {
    next.unless = fromEvent(condition.unless.event, condition.unless.where);
    next.within = condition.within;
  }
  if (condition.type === 'segment') {
    next.segment = condition.segment;
    next.change = condition.change;
  }
  if (condition.type === 'dwell') {
    next.seconds = condition.seconds;
    next.dwellContentType = condition.contentType ?? '';
  }
  if (actions.onSite) {
    next.onSiteOn = true;
    next.onSiteData = Object.entries(actions.onSite.data ?? {}).map(([key, value]) => ({ key, value: formatScalar(value) }));
    next.onSiteRecommend = fromRecommend(actions.onSite.recommend, draft.onSiteRecommend);
  }
  if (actions.outbound) {
    const { destination, include, visitorHour } = actions.outbound;
    next.outboundOn = true;
    next.destination = destination;
    next.includeRecommendations = fromRecommend(include?.recommendations, draft.includeRecommendations);
    if (include?.variant) next.includeVariant = { on: true, contentType: include.variant.contentType, documentId: include.variant.documentId, locale: include.variant.locale ?? '' };
    if (visitorHour) next.visitorHour = { on: true, withinHours: visitorHour.withinHours };
  }
  return next;
};

/** The server's message for a field (`errors['condition.where.0.value']`), or the first one under it when `nested`. */
export const errorAt = (errors: Record<string, string>, path: string, nested = false): string | undefined =>
  errors[path] ?? (nested ? Object.entries(errors).find(([key]) => key.startsWith(`${path}.`))?.[1] : undefined);
