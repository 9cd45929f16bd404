import { checkEvictionPolicy, uncheckedEvictionPolicy } from '../../server/src/store/eviction-policy';

describe('Redis maxmemory-policy: does it keep the plugin’s data?', () => {
  it('accepts noeviction (a full Redis refuses writes, answered 503 and retried)', () => {
    expect(checkEvictionPolicy('noeviction', 1_000_000)).toEqual({ policy: 'noeviction', warning: null });
  });

  it.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random'])('warns that %s deletes any key, and tells the setting to use', (policy) => {
    const { warning } = checkEvictionPolicy(policy, 1_000_000);
    expect(warning).toContain(`maxmemory-policy is ${policy}`);
    expect(warning).toContain('deletes any key');
    expect(warning).toContain('profiles');
    expect(warning).toContain('set maxmemory-policy to noeviction');
    expect(warning).toContain('1000000 bytes');
  });

  it.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('warns that %s deletes keys with a TTL, which profiles have', (policy) => {
    const { warning } = checkEvictionPolicy(policy, 0);
    expect(warning).toContain('keys that have a time to live');
    expect(warning).toContain("every visitor's profile has one");
    expect(warning).toContain('set maxmemory-policy to noeviction');
    // No maxmemory yet: the policy applies once one is set, and the warning says so.
    expect(warning).toContain('once a maxmemory is set');
  });

  it('says the policy could not be checked when CONFIG is refused, without warning', () => {
    expect(uncheckedEvictionPolicy("ERR unknown command 'CONFIG'")).toEqual({
      policy: null,
      warning: null,
      unchecked: "could not read Redis maxmemory-policy (ERR unknown command 'CONFIG'); make sure it is noeviction",
    });
  });
});
