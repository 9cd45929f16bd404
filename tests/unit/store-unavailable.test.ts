import { ReplyError } from 'ioredis';
import { isUnavailability } from '../../server/src/store/store-unavailable';
import { StoreUsageError } from '../../server/src/store/store-usage-error';

describe('store failures: unavailable (503, retry) or a bug (500)', () => {
  it('treats a lost connection, a timeout and Redis saying "not now" as unavailability', () => {
    expect(isUnavailability(new Error('Command timed out'))).toBe(true);
    expect(isUnavailability(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    for (const reply of ['LOADING Redis is loading the dataset in memory', 'BUSY Redis is busy running a script', 'CLUSTERDOWN The cluster is down', 'READONLY You can\'t write against a read only replica.', 'TRYAGAIN Multiple keys request during rehashing of slot']) {
      expect([reply, isUnavailability(new ReplyError(reply))]).toEqual([reply, true]);
    }
  });

  it('treats a Lua error or an invalid argument as a bug, never hidden behind a retry', () => {
    expect(isUnavailability(new ReplyError('ERR user_script:12: Script attempted to access nonexistent global variable'))).toBe(false);
    expect(isUnavailability(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isUnavailability(new StoreUsageError('invalid visitor id "a b"'))).toBe(false);
  });
});
