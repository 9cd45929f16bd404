import { ErasureSweeps } from '../../server/src/identity/erasure-sweeps';

describe('erasure sweeps', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs an erase again after the delay, once', async () => {
    const sweeps = new ErasureSweeps(2_000);
    const sweep = jest.fn().mockResolvedValue(true);
    sweeps.schedule(sweep, () => {});
    jest.advanceTimersByTime(1_999);
    expect(sweep).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(sweep).toHaveBeenCalledTimes(1);
    await sweeps.runNow();
    expect(sweep).toHaveBeenCalledTimes(1);
  });

  it('runs the waiting ones at once on shutdown, and not again later', async () => {
    const sweeps = new ErasureSweeps(2_000);
    const sweep = jest.fn().mockResolvedValue(true);
    sweeps.schedule(sweep, () => {});
    await sweeps.runNow();
    expect(sweep).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5_000);
    expect(sweep).toHaveBeenCalledTimes(1);
  });

  it('hands a failed sweep to the error callback instead of throwing', async () => {
    const sweeps = new ErasureSweeps(10);
    const onError = jest.fn();
    sweeps.schedule(() => Promise.reject(new Error('redis down')), onError);
    await sweeps.runNow();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'redis down' }));
  });
});
