import type { Assignment, ResolutionState } from '../store/profile-store';

/**
 * What one content-API request knows about personalization: who the visitor is (or which segment
 * an editor previews), the visitor's segments and experiment arms (read from the store at most once
 * per request, with a time budget), and which variant each returned entry got. Created by the
 * request middleware, filled by the Document Service middleware, reported by the request middleware.
 */
export interface VisitorOutcome {
  segments: string[];
  assignments: Record<string, Assignment>;
  /** The store did not answer within the budget: base entries were served. */
  degraded: boolean;
  /** An editor's preview of a segment (`?psn_segment=`), not a visitor: no experiments. */
  preview: boolean;
}

export class RequestPersonalization {
  /** documentId -> variant key, or null for the base entry. */
  readonly variants: Record<string, string | null> = {};

  /** Experiment key -> the arm this visitor was served. */
  readonly experiments: Record<string, string> = {};

  /** An entry of a personalized type was read for this visitor: the answer depends on them. */
  touched = false;

  private outcome?: Promise<VisitorOutcome>;

  constructor(
    readonly visitorId: string | null,
    /** `?psn_segment=`: honoured only once the request is known to carry an API token or admin session. */
    readonly previewSegment: string | null,
    private readonly readState: (visitorId: string) => Promise<ResolutionState>,
    private readonly timeoutMs: number,
    private readonly onDegraded: () => void
  ) {}

  /** The visitor's segments and arms, from one store read per request; on timeout or failure, none. */
  visitor(previewAllowed: () => Promise<boolean>): Promise<VisitorOutcome> {
    this.outcome ??= this.decide(previewAllowed);
    return this.outcome;
  }

  private async decide(previewAllowed: () => Promise<boolean>): Promise<VisitorOutcome> {
    if (this.previewSegment && (await previewAllowed().catch(() => false))) {
      return { segments: [this.previewSegment], assignments: {}, degraded: false, preview: true };
    }
    if (!this.visitorId) return { segments: [], assignments: {}, degraded: false, preview: false };
    return this.readWithin(this.visitorId);
  }

  private async readWithin(visitorId: string): Promise<VisitorOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.timeoutMs);
    });
    try {
      const state = await Promise.race([this.readState(visitorId).catch(() => null), timeout]);
      if (state) return { ...state, degraded: false, preview: false };
    } finally {
      clearTimeout(timer);
    }
    this.onDegraded();
    return { segments: [], assignments: {}, degraded: true, preview: false };
  }

  /** The outcome if the visitor was read (for the response), without starting a read. */
  async settled(): Promise<VisitorOutcome | undefined> {
    return this.outcome;
  }
}
