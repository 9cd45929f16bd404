import { isValidVisitorId } from '../keys';
import type {
  ApplyResult,
  EventUpdate,
  ProfileStore,
  StoredProfile,
  UpdateSettings,
} from '../profile-store';
import { decodeSegments, encodeSegments } from '../segments-encoding';
import { applyUpdates, newVisitorState, type DedupState, type VisitorState } from './apply-updates';

interface Entry {
  state: VisitorState;
  dedup: DedupState;
  /** Epoch ms after which the visitor is forgotten (retention after last activity). */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded single-process store, for trying the plugin without Redis. Profiles live in this
 * process only: they vanish on restart and are not shared between Strapi instances.
 */
export class MemoryProfileStore implements ProfileStore {
  readonly kind = 'memory' as const;

  private readonly visitors = new Map<string, Entry>();

  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number
  ): Promise<ApplyResult> {
    assertVisitorId(visitorId);
    const entry = this.liveOrNew(visitorId);
    const counts = applyUpdates(entry.state, entry.dedup, events, settings, now);
    if (counts.accepted > 0) {
      entry.expiresAt = this.clock() + settings.retentionSec * 1000;
      this.visitors.set(visitorId, entry);
    }
    return { ...counts, profile: snapshot(entry.state) };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    assertVisitorId(visitorId);
    const entry = this.live(visitorId);
    if (!entry || isEmpty(entry.state)) return null;
    return snapshot(entry.state);
  }

  async readSegments(visitorId: string): Promise<string[]> {
    assertVisitorId(visitorId);
    return decodeSegments(this.live(visitorId)?.state.segments);
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    assertVisitorId(visitorId);
    const entry = this.liveOrNew(visitorId);
    entry.state.segments = encodeSegments(segments);
    entry.expiresAt = Math.max(entry.expiresAt, this.clock() + retentionSec * 1000);
    this.visitors.set(visitorId, entry);
  }

  async erase(visitorId: string): Promise<boolean> {
    assertVisitorId(visitorId);
    const existed = this.live(visitorId) !== undefined;
    this.visitors.delete(visitorId);
    return existed;
  }

  async health() {
    return { connected: false, latencyMs: null };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.visitors.clear();
  }

  private live(visitorId: string): Entry | undefined {
    const entry = this.visitors.get(visitorId);
    if (entry && entry.expiresAt <= this.clock()) {
      this.visitors.delete(visitorId);
      return undefined;
    }
    return entry;
  }

  private liveOrNew(visitorId: string): Entry {
    return (
      this.live(visitorId) ?? {
        state: newVisitorState(),
        dedup: { byDay: new Map() },
        expiresAt: 0,
      }
    );
  }

  private sweep(): void {
    const now = this.clock();
    for (const [visitorId, entry] of this.visitors) {
      if (entry.expiresAt <= now) this.visitors.delete(visitorId);
    }
  }
}

const assertVisitorId = (visitorId: string) => {
  if (!isValidVisitorId(visitorId)) throw new Error(`invalid visitor id ${JSON.stringify(visitorId)}`);
};

const isEmpty = (state: VisitorState) =>
  state.fields.size === 0 &&
  state.windows.size === 0 &&
  state.recent.length === 0 &&
  state.traits.size === 0 &&
  state.segments === null;

const snapshot = (state: VisitorState): StoredProfile => ({
  fields: Object.fromEntries(state.fields),
  windows: Object.fromEntries(state.windows),
  recent: [...state.recent],
  traits: Object.fromEntries(state.traits),
  segments: decodeSegments(state.segments),
});
