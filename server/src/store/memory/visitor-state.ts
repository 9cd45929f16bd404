/** What the memory store holds for one visitor: the same parts as the Redis keys. */
export interface VisitorState {
  fields: Map<string, string>;
  windows: Map<string, number>;
  recent: string[];
  /** Journey steps, newest first. */
  steps: string[];
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
  steps: [],
  traits: new Map(),
  segments: null,
  merged: new Set(),
  users: new Set(),
});

/** Adds to a daily bucket; a new bucket only while the visitor has fewer than `cap`. */
export const addToWindow = (state: VisitorState, key: string, delta: number, cap: number) => {
  const current = state.windows.get(key);
  if (current === undefined && state.windows.size >= cap) return;
  state.windows.set(key, (current ?? 0) + delta);
};

/** Sets a trait; a new one only while the visitor has fewer than `cap`. */
export const setTrait = (state: VisitorState, key: string, value: string, cap: number) => {
  if (!state.traits.has(key) && state.traits.size >= cap) return;
  state.traits.set(key, value);
};
