/** Track events the profile reads specially; everything else is counted by name. */
export const SPECIAL_EVENTS = {
  /** `properties.depth` (0-100) reached on the current page; `properties.previous`: the depth sent before. */
  scrollDepth: 'Scroll Depth',
  /**
   * `properties.seconds` (or `value`): visible time on the page since the last report; `total`: on
   * the page so far. The page's final report says `left: true` and `interacted` (`bounce.ts`).
   */
  dwellTime: 'Dwell Time',
} as const;
