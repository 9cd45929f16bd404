const DAY_MS = 86_400_000;

/** A UTC day number (days since 1970-01-01) as `YYYY-MM-DD`: how the admin API and the history tables name days. */
export const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** `YYYY-MM-DD` (UTC) as a day number. */
export const dayOfDate = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
