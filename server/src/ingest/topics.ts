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

/**
 * Normalizes topic values: trimmed, non-empty, at most MAX_TOPIC_LENGTH characters, unique, no
 * personal data, no prototype name (topics are keys of the readable profile's `topics`).
 */
export const normalizeTopics = (values: unknown[]): string[] => [
  ...new Set(
    values
      .flatMap(asTopics)
      .map((topic) => clipName(topic).slice(0, MAX_TOPIC_LENGTH).trim())
      .filter((topic) => topic.length > 0 && !FORBIDDEN_KEYS.has(topic) && !containsPersonalData(topic))
  ),
];

/** Topics an event states itself: `properties.topic`, `.topics`, `.tags`, `.genres`. */
export const topicsOfProperties = (properties: Record<string, unknown> | undefined): string[] => {
  if (!properties) return [];
  const { topic, topics, tags, genres } = properties;
  if (topic === undefined && topics === undefined && tags === undefined && genres === undefined) return [];
  return normalizeTopics([topic, topics, tags, genres]);
};

/** Topics of an entry: the first of TOPIC_ATTRIBUTES it has, plus the others (deduplicated). */
export const topicsOfEntry = (entry: Record<string, unknown> | null | undefined): string[] =>
  entry ? normalizeTopics(TOPIC_ATTRIBUTES.map((attribute) => entry[attribute])) : [];
