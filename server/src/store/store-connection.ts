/**
 * What every capability's store shares: one connection (two Redis clients, or one in-process
 * keyspace), opened and closed once for the whole plugin.
 */
export type StoreKind = 'redis' | 'memory';

export interface StoreHealth {
  connected: boolean;
  /** Round-trip time of a PING, null when it could not be measured. */
  latencyMs: number | null;
}

export interface StoreConnection {
  readonly kind: StoreKind;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
