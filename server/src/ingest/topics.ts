import { containsPersonalData } from '../profiles/personal-data';
import { clipName } from '../profiles/profile-fields';
import { FORBIDDEN_KEYS } from './json-limits';

/** Longest topic kept, so `t:<topic>` stays a short field. */
export const MAX_TOPIC_LENGTH = 40;

/** Entry attributes read as topics when an event points at an entry, in this order. */
export const TOPIC_ATTRIBUTES = ['topic', 'topics', 'tags', 'genres', 'category'] as const;

const asTopics = (value: unknown): string[] => {
  if (typeof value === 'string') return value.split(/[|,]/);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
};

/** A topic as kept, or undefined: trimmed, clipped, not empty, no personal data, no prototype name. */
const keptTopic = (value: string): string | undefined => {
  const topic = clipName(value).slice(0, MAX_TOPIC_LENGTH).trim();
  return topic.length > 0 && !FORBIDDEN_KEYS.has(topic) && !containsPersonalData(topic) ? topic : undefined;
};

/**
 * Normalizes topic values: trimmed, non-empty, at most MAX_TOPIC_LENGTH characters, unique, no
 * personal data, no prototype name (topics are keys of the readable profile's `topics`).
 */
export const normalizeTopics = (values: unknown[]): string[] => [
  ...new Set(values.flatMap(asTopics).flatMap((value) => keptTopic(value) ?? [])),
];

/** No topics: shared, as most events state none. Never modified. */
const NO_TOPICS: string[] = [];
Object.freeze(NO_TOPICS);

/** Topics an event states itself: `properties.topic`, `.topics`, `.tags`, `.genres`. */
export const topicsOfProperties = (properties: Record<string, unknown> | undefined): string[] => {
  if (!properties) return NO_TOPICS;
  const { topic, topics, tags, genres } = properties;
  if (topics === undefined && tags === undefined && genres === undefined) {
    if (topic === undefined) return NO_TOPICS;
    // The common case, one topic: judged without the lists of the general case.
    if (typeof topic === 'string' && !/[|,]/.test(topic)) {
      const kept = keptTopic(topic);
      return kept === undefined ? NO_TOPICS : [kept];
    }
  }
  return normalizeTopics([topic, topics, tags, genres]);
};

/** Topics of an entry: the first of TOPIC_ATTRIBUTES it has, plus the others (deduplicated). */
export const topicsOfEntry = (entry: Record<string, unknown> | null | undefined): string[] =>
  entry ? normalizeTopics(TOPIC_ATTRIBUTES.map((attribute) => entry[attribute])) : [];
