import type { Assignment } from '../experiments/store/experiment-store';
import type { ResolutionState } from './store/resolution-store';
import type { LiveVariant } from './variant-selection';

/**
 * One entry as a GraphQL root field returned it: the root field's response key, the content type,
 * the entry's documentId and locale (for localized types). GraphQL may copy the objects it resolves,
 * so entries are told apart by what they are, not by object identity.
 */
export interface EntryRef {
  rootField: string;
  uid: string;
  documentId: string;
  locale: string | undefined;
}

/** The variant the Document Service middleware chose for an entry read through GraphQL. */
export interface EntryPick {
  variant: LiveVariant;
  /** The targets of one of its relation or media fields, loaded at most once for all the entries of the same read. */
  references: (field: string) => Promise<Map<string, unknown>>;
}

const refKey = ({ rootField, uid, documentId, locale }: EntryRef) => JSON.stringify([rootField, uid, documentId, locale ?? null]);

/**
 * What one content-API request knows about personalization: who the visitor is (or which segment
 * an editor previews), the visitor's segments and experiment arms (read from the store at most once
 * per request, with a time budget), which variant each entry read through GraphQL got, and which
 * variants went into the answer. Created by the request middleware, filled by the Document Service
 * middleware (and GraphQL's field resolvers), reported by the request middleware.
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
  /**
   * documentId -> the key of the variant served, or null: the base entry, or a variant none of whose
   * overridden fields went into the answer (the answer never names a variant it did not serve).
   */
  readonly variants: Record<string, string | null> = {};

  /** Experiment key -> the arm this visitor was served. */
  readonly experiments: Record<string, string> = {};

  /** An entry of a personalized type was read for this visitor: the answer depends on them. */
  touched = false;

  private readonly picks = new Map<string, EntryPick>();

  private outcome?: Promise<VisitorOutcome>;

  /** The store read, started as the request arrives so that it runs beside routing and the query. */
  private read?: Promise<VisitorOutcome>;

  constructor(
    readonly visitorId: string | null,
    /** `?psn_segment=`: honoured only once the request is known to carry an API token or admin session. */
    readonly previewSegment: string | null,
    private readonly readState: (visitorId: string) => Promise<ResolutionState>,
    private readonly timeoutMs: number,
    private readonly onDegraded: () => void
  ) {}

  /** Starts reading the visitor's segments and arms (at most once); resolution waits for it later. */
  start(): void {
    if (this.visitorId) this.read ??= this.readWithin(this.visitorId);
  }

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
    this.start();
    const outcome = await this.read!;
    // Counted only when resolution needed the read (the request may not touch a personalized type).
    if (outcome.degraded) this.onDegraded();
    return outcome;
  }

  /**
   * The budget is for the store, not for a busy event loop. Under load a reply can sit unread in the
   * socket when the timer fires, because timers run before I/O in each turn of the loop; so when the
   * budget is spent, the verdict waits for `setImmediate`, which runs after that turn's I/O: a reply
   * that has arrived by then is used. Only a store that has not answered makes the read degraded.
   */
  private async readWithin(visitorId: string): Promise<VisitorOutcome> {
    let answer: ResolutionState | null | undefined;
    const read = this.readState(visitorId).then(
      (state) => (answer = state),
      () => (answer = null)
    );
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<ResolutionState | null>((resolve) => {
      timer = setTimeout(() => setImmediate(() => resolve(answer ?? null)), this.timeoutMs);
    });
    try {
      const state = await Promise.race([read, spent]);
      if (state) return { ...state, degraded: false, preview: false };
    } finally {
      clearTimeout(timer);
    }
    return { segments: [], assignments: {}, degraded: true, preview: false };
  }

  /** An entry goes into the answer: reported as base until one of its variant's fields is served. */
  noteEntry(documentId: string) {
    if (!(documentId in this.variants)) this.variants[documentId] = null;
  }

  markServed(documentId: string, variantKey: string) {
    this.variants[documentId] = variantKey;
  }

  /** GraphQL: what the Document Service middleware chose, for the field resolvers of the entry. */
  rememberPick(ref: EntryRef, pick: EntryPick) {
    this.picks.set(refKey(ref), pick);
  }

  pickFor(ref: EntryRef): EntryPick | undefined {
    return this.picks.get(refKey(ref));
  }

  /** The outcome if the visitor was read (for the response), without starting a read. */
  async settled(): Promise<VisitorOutcome | undefined> {
    return this.outcome;
  }
}
