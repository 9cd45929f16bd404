import { parseAssignments } from '../../experiments/store/redis-experiment-store';
import { decodeSegments } from '../../segments/store/segments-encoding';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { execPipeline } from '../../store/redis/replies';
import type { ResolutionState, ResolutionStore } from './resolution-store';

/** Reads on the connection's read client (no auto-pipelining: see `redis-connection.ts`). */
export class RedisResolutionStore implements ResolutionStore {
  constructor(private readonly redis: RedisConnection) {}

  async readResolutionState(visitorId: string, { assignments: withAssignments = true }: { assignments?: boolean } = {}): Promise<ResolutionState> {
    const keys = this.redis.visitorKeys(visitorId);
    const client = this.redis.readClient;
    // Without running experiments, one GET is the whole read.
    if (!withAssignments) return { segments: decodeSegments(await client.get(keys.segments)), assignments: {} };
    const [segments, assignments] = await execPipeline<[string | null, Record<string, string>]>(client.pipeline().get(keys.segments).hgetall(keys.assignments));
    return { segments: decodeSegments(segments), assignments: parseAssignments(assignments) };
  }
}
