import type { Trigger, TriggerActions, TriggerCondition } from '../../api/types';
import type { Translate } from '../../utils/use-translate';
import { operatorLabels } from '../../components/RuleBuilder/operator-labels';

/**
 * A trigger in words, for the list: its condition ("Product Added, then no Order Completed within
 * 60m"), its actions ("outbound → mailer") and its limits. Pure: `t` is the translate function.
 */

type Scalar = string | number | boolean;
interface Filter {
  property: string;
  op: string;
  value?: Scalar | Scalar[];
}


const shown = (value: Scalar) => (typeof value === 'string' ? `"${value}"` : String(value));

/** `category is "shoes"`, `price is more than 10`, `plan is one of "pro", "team"`, `coupon is known`. */
export const describeFilter = (filter: Filter, t: Translate): string => {
  const op = operatorLabels(t)[filter.op] ?? filter.op;
  if (filter.value === undefined) return `${filter.property} ${op}`;
  const value = Array.isArray(filter.value) ? filter.value.map(shown).join(', ') : shown(filter.value);
  return `${filter.property} ${op} ${value}`;
};

const describeEvent = (event: string, where: readonly Filter[] | undefined, t: Translate): string =>
  where && where.length > 0
    ? t('triggers.describe.where', '{event} where {filters}', { event, filters: where.map((filter) => describeFilter(filter, t)).join(` ${t('triggers.describe.and', 'and')} `) })
    : event;

/** The last part of a content type uid: `api::article.article` → `article`. */
export const contentTypeName = (uid: string): string => uid.split('.').pop() ?? uid;

export const describeCondition = (condition: TriggerCondition, t: Translate): string => {
  switch (condition.type) {
    case 'event':
      return describeEvent(condition.event, condition.where, t);
    case 'segment':
      return condition.change === 'enter'
        ? t('triggers.describe.segment.enter', 'Enters segment {segment}', { segment: condition.segment })
        : t('triggers.describe.segment.leave', 'Leaves segment {segment}', { segment: condition.segment });
    case 'absence':
      return t('triggers.describe.absence', '{event}, then no {unless} within {within}', {
        event: describeEvent(condition.event, condition.where, t),
        unless: describeEvent(condition.unless.event, condition.unless.where, t),
        within: condition.within,
      });
    case 'dwell':
      return condition.contentType
        ? t('triggers.describe.dwell.type', '{seconds} s on a {type} page', { seconds: condition.seconds, type: contentTypeName(condition.contentType) })
        : t('triggers.describe.dwell', '{seconds} s on a page', { seconds: condition.seconds });
  }
};

/** One phrase per action: `on-site with 4 recommendations of movie`, `outbound → mailer (recommendations, at the visitor's hour within 24 h)`. */
export const describeActions = (actions: TriggerActions, t: Translate): string[] => {
  const phrases: string[] = [];
  if (actions.onSite) {
    const { recommend } = actions.onSite;
    phrases.push(
      recommend
        ? t('triggers.describe.onSite.recommend', 'on-site with {limit} recommendations of {type}', { limit: recommend.limit, type: contentTypeName(recommend.contentType) })
        : t('triggers.describe.onSite', 'on-site')
    );
  }
  if (actions.outbound) {
    const { destination, include, visitorHour } = actions.outbound;
    const extras = [
      ...(include?.recommendations ? [t('triggers.describe.include.recommendations', 'recommendations')] : []),
      ...(include?.variant ? [t('triggers.describe.include.variant', 'variant of {type}', { type: contentTypeName(include.variant.contentType) })] : []),
      ...(visitorHour ? [t('triggers.describe.visitorHour', "at the visitor's hour within {hours} h", { hours: visitorHour.withinHours })] : []),
    ];
    const base = t('triggers.describe.outbound', 'outbound → {destination}', { destination });
    phrases.push(extras.length > 0 ? `${base} (${extras.join(', ')})` : base);
  }
  return phrases;
};

/** `1d`, or `1d, at most 100 a minute`. */
export const describeLimits = (trigger: Pick<Trigger, 'cooldown' | 'maxPerMinute'>, t: Translate): string =>
  trigger.maxPerMinute
    ? t('triggers.describe.limits', '{cooldown}, at most {max} a minute', { cooldown: trigger.cooldown, max: trigger.maxPerMinute })
    : trigger.cooldown;

/** Whether "Send test" applies: the trigger has an outbound action. */
export const hasOutbound = (trigger: Pick<Trigger, 'actions'>): boolean => Boolean(trigger.actions?.outbound);
