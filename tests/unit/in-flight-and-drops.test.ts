import { DropReporter } from '../../server/src/shared/drop-reporter';
import { InFlight } from '../../server/src/shared/in-flight';

describe('InFlight: shutdown waits for the work under way', () => {
  it('refuses new work once closing, and resolves when what runs has finished', async () => {
    const inFlight = new InFlight(() => new Error('shutting down'));
    let release!: () => void;
    const running = inFlight.run(() => new Promise<string>((resolve) => (release = () => resolve('stored'))));
    let closed = false;
    const closing = inFlight.close(60_000).then((finished) => (closed = finished));
    await expect(inFlight.run(async () => 'late')).rejects.toThrow('shutting down');
    await Promise.resolve();
    expect(closed).toBe(false);
    release();
    expect(await running).toBe('stored');
    await closing;
    expect(closed).toBe(true);
  });

  it('stops waiting after its timeout', async () => {
    const inFlight = new InFlight(() => new Error('shutting down'));
    void inFlight.run(() => new Promise(() => {}));
    expect(await inFlight.close(10)).toBe(false);
    expect(await new InFlight(() => new Error('x')).close(10)).toBe(true);
  });
});

describe('DropReporter', () => {
  it('totals drops per kind and warns at most once per interval, with what came since', () => {
    const warnings: string[] = [];
    let now = 0;
    const reporter = new DropReporter((message) => warnings.push(message), 60_000, () => now);
    reporter.report('absence checks', 3);
    reporter.report('absence checks', 2);
    reporter.report('co-engagement engagements', 0);
    now = 61_000;
    reporter.report('absence checks', 1);
    expect(warnings).toEqual([
      expect.stringMatching(/^3 absence checks could not be written .*; 3 in all since start$/),
      expect.stringMatching(/^3 absence checks could not be written .*; 6 in all since start$/),
    ]);
    expect(reporter.counts()).toEqual({ 'absence checks': 6 });
  });
});
