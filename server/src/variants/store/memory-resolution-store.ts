import type { ExperimentStore } from '../../experiments/store/experiment-store';
import type { MembershipStore } from '../../segments/store/membership-store';
import type { ResolutionState, ResolutionStore } from './resolution-store';

/** In one process a round trip costs nothing: the two reads of the other stores. */
export class MemoryResolutionStore implements ResolutionStore {
  constructor(
    private readonly membership: MembershipStore,
    private readonly experiments: ExperimentStore
  ) {}

  async readResolutionState(visitorId: string, { assignments = true }: { assignments?: boolean } = {}): Promise<ResolutionState> {
    return { segments: await this.membership.readSegments(visitorId), assignments: assignments ? await this.experiments.readAssignments(visitorId) : {} };
  }
}
