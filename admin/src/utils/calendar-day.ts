/**
 * Calendar days as the analytics API names them (`YYYY-MM-DD`) and as the date picker shows them.
 * The picker works in the browser's time zone: a day must become that day's local midnight, not UTC
 * midnight, which west of UTC is still the day before (2026-02-01 showed as 1/31 in New York).
 */
export const dateOfDay = (day: string): Date => {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date);
};

export const dayOfDate = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
