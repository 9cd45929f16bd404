/**
 * What one content-API request knows about personalization: who the visitor is (or which segment
 * an editor previews), the visitor's segments (read from the store at most once per request, with
 * a time budget), and which variant each returned entry got. Created by the request middleware,
 * filled by the Document Service middleware, reported by the request middleware.
 */
export interface SegmentsOutcome {
  segments: string[];
  /** The store did not answer within the budget: base entries were served. */
  degraded: boolean;
}

export class RequestPersonalization {
  /** documentId -> variant key, or null for the base entry. */
  readonly variants: Record<string, string | null> = {};

  /** An entry of a personalized type was read for this visitor: the answer depends on them. */
  touched = false;

  private outcome?: Promise<SegmentsOutcome>;

  constructor(
    readonly visitorId: string | null,
    /** `?psn_segment=`: honoured only once the request is known to carry an API token or admin session. */
    readonly previewSegment: string | null,
    private readonly readSegments: (visitorId: string) => Promise<string[]>,
    private readonly timeoutMs: number,
    private readonly onDegraded: () => void
  ) {}

  /** The visitor's segments, from one store read per request; on timeout or failure, none. */
  segments(previewAllowed: () => boolean): Promise<SegmentsOutcome> {
    if (!this.outcome) {
      if (this.previewSegment && previewAllowed()) {
        this.outcome = Promise.resolve({ segments: [this.previewSegment], degraded: false });
      } else if (!this.visitorId) {
        this.outcome = Promise.resolve({ segments: [], degraded: false });
      } else {
        this.outcome = this.readWithin(this.visitorId);
      }
    }
    return this.outcome;
  }

  private async readWithin(visitorId: string): Promise<SegmentsOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.timeoutMs);
    });
    try {
      const segments = await Promise.race([this.readSegments(visitorId).catch(() => null), timeout]);
      if (segments) return { segments, degraded: false };
    } finally {
      clearTimeout(timer);
    }
    this.onDegraded();
    return { segments: [], degraded: true };
  }

  /** The outcome if segments were read (for the response), without starting a read. */
  async settled(): Promise<SegmentsOutcome | undefined> {
    return this.outcome;
  }
}
