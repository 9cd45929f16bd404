import { dateOfDay, dayOfDate } from '../../admin/src/utils/calendar-day';

describe('calendar days in the date picker', () => {
  const zone = process.env.TZ;
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it.each(['America/New_York', 'Pacific/Honolulu', 'UTC', 'Asia/Tokyo'])('shows the day it was given, in %s', (timeZone) => {
    process.env.TZ = timeZone;
    const date = dateOfDay('2026-02-01');
    expect([date.getFullYear(), date.getMonth() + 1, date.getDate()]).toEqual([2026, 2, 1]);
    expect(dayOfDate(date)).toBe('2026-02-01');
    expect(dayOfDate(new Date(2026, 11, 31, 23, 59))).toBe('2026-12-31');
  });
});
