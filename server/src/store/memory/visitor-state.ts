/** What the memory store holds for one visitor: the same parts as the Redis keys. */
export interface VisitorState {
  fields: Map<string, string>;
  windows: Map<string, number>;
  recent: string[];
  traits: Map<string, string>;
  segments: string | null;
  merged: Set<string>;
  /** Hashes of the user ids linked to this visitor. */
  users: Set<string>;
}

export interface DedupState {
  /** Message-id hashes by UTC day; only today and yesterday are consulted. */
  byDay: Map<number, Set<number>>;
}

export const newVisitorState = (): VisitorState => ({
  fields: new Map(),
  windows: new Map(),
  recent: [],
  traits: new Map(),
  segments: null,
  merged: new Set(),
  users: new Set(),
});

export const addToWindow = (state: VisitorState, key: string, delta: number) => {
  state.windows.set(key, (state.windows.get(key) ?? 0) + delta);
};
