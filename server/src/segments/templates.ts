import type { SegmentCreate } from './segment-input';

/**
 * Ready segments for the behaviors the plugin was built around, added in one click from the admin
 * (or `POST /personalization/segments/templates/:key`). Each is an ordinary rule segment afterwards:
 * thresholds and topic names are starting points to adjust to the site.
 */
export const SEGMENT_TEMPLATES: Record<string, SegmentCreate> = {
  'new-visitors': {
    slug: 'new-visitors',
    name: 'New Visitors',
    description: 'In their first session.',
    kind: 'rule',
    priority: 10,
    enabled: true,
    rules: { fact: 'sessions', op: 'lte', value: 1 },
  },
  'returning-engaged': {
    slug: 'returning-engaged',
    name: 'Returning Engaged',
    description: 'Three or more sessions in the last 30 days, back within a week, and real reading: five minutes on pages or ten page views.',
    kind: 'rule',
    priority: 20,
    enabled: true,
    rules: {
      all: [
        { fact: 'sessions', op: 'gte', value: 3, window: '30d' },
        { fact: 'daysSinceLastSeen', op: 'lte', value: 7 },
        { any: [{ fact: 'dwell.total', op: 'gte', value: 300 }, { fact: 'pageviews', op: 'gte', value: 10 }] },
      ],
    },
  },
  'technical-content-enthusiasts': {
    slug: 'technical-content-enthusiasts',
    name: 'Technical Content Enthusiasts',
    description: 'At least a third of their interest goes to technical topics, over three or more page views.',
    kind: 'rule',
    priority: 30,
    enabled: true,
    rules: {
      all: [
        { any: [{ fact: 'topics.Technology', op: 'gte', value: 0.33 }, { fact: 'topics.Engineering', op: 'gte', value: 0.33 }] },
        { fact: 'pageviews', op: 'gte', value: 3 },
      ],
    },
  },
  'occasional-buyers': {
    slug: 'occasional-buyers',
    name: 'Occasional Buyers',
    description: 'One to three orders in all, none in the last 7 days.',
    kind: 'rule',
    priority: 40,
    enabled: true,
    rules: {
      all: [
        { fact: 'events.Order Completed', op: 'between', value: [1, 3] },
        { fact: 'events.Order Completed', op: 'eq', value: 0, window: '7d' },
      ],
    },
  },
  'cart-abandoners': {
    slug: 'cart-abandoners',
    name: 'Cart Abandoners',
    description: 'Added to cart in the last 7 days without ordering since.',
    kind: 'rule',
    priority: 50,
    enabled: true,
    rules: {
      all: [
        { fact: 'events.Product Added', op: 'gte', value: 1, window: '7d' },
        { fact: 'events.Order Completed', op: 'eq', value: 0, window: '7d' },
      ],
    },
  },
  'most-engaged': {
    slug: 'most-engaged',
    name: 'Most Engaged (top 10 %)',
    description: 'The top tenth of all visitors by engagement (sessions, page views, dwell time, events).',
    kind: 'rule',
    priority: 15,
    enabled: true,
    rules: { fact: 'engagement.percentile', op: 'gte', value: 90 },
  },
};
