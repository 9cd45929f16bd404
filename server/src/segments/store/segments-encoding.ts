/** Segment membership is stored as a JSON array of slugs in its own small key. */
export const encodeSegments = (segments: string[]): string => JSON.stringify(segments);

export const decodeSegments = (raw: string | null | undefined): string[] => {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((slug): slug is string => typeof slug === 'string') : [];
  } catch {
    return [];
  }
};
