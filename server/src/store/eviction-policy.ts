/**
 * What Redis's `maxmemory-policy` means for the plugin's data, decided from the setting alone (pure).
 * Once Redis reaches `maxmemory`, an evicting policy deletes keys to make room:
 * - `allkeys-*` any key: profiles, site counters, segment member sets, experiment counters, the
 *   trigger queue, de-duplication sets (a retried batch would then count twice);
 * - `volatile-*` keys with a time to live: every key of a visitor has one (`retentionDays`), and so
 *   do the de-duplication sets, site counters and trigger items.
 * Under `noeviction` a full Redis refuses writes instead (`OOM`), which the plugin answers with 503
 * and `Retry-After`, so senders retry once room is made: nothing is lost without anybody knowing.
 */

export const SAFE_EVICTION_POLICY = 'noeviction';

export interface EvictionCheck {
  /** The setting read, or null when it could not be read. */
  policy: string | null;
  /** A warning to log and show, or null when the setting keeps the plugin's data (or was not read). */
  warning: string | null;
  /** Why the setting could not be read, when it could not. */
  unchecked?: string;
}

const ADVICE = `set maxmemory-policy to ${SAFE_EVICTION_POLICY} (a full Redis then refuses writes, which the plugin answers with 503 and Retry-After so that senders retry, instead of deleting data unnoticed), and give Redis the memory its profiles need`;

/** The verdict on a policy read with `CONFIG GET maxmemory-policy` (`maxmemoryBytes` from `CONFIG GET maxmemory`). */
export const checkEvictionPolicy = (policy: string, maxmemoryBytes: number | null): EvictionCheck => {
  const limit = maxmemoryBytes ? `once Redis reaches maxmemory (${maxmemoryBytes} bytes)` : 'once a maxmemory is set (none is now)';
  if (policy.startsWith('allkeys-')) {
    return { policy, warning: `Redis maxmemory-policy is ${policy}: ${limit}, Redis deletes any key to make room, visitors' profiles, counters, segment members and queued trigger deliveries included; ${ADVICE}` };
  }
  if (policy.startsWith('volatile-')) {
    return {
      policy,
      warning: `Redis maxmemory-policy is ${policy}: ${limit}, Redis deletes keys that have a time to live, and every visitor's profile has one (retentionDays), as do the de-duplication sets (a retried batch would count twice) and daily counters; ${ADVICE}`,
    };
  }
  return { policy, warning: null };
};

/** When the setting cannot be read (`CONFIG` disabled or renamed, as managed Redis services do, or refused by an ACL). */
export const uncheckedEvictionPolicy = (reason: string): EvictionCheck => ({
  policy: null,
  warning: null,
  unchecked: `could not read Redis maxmemory-policy (${reason}); make sure it is ${SAFE_EVICTION_POLICY}`,
});
