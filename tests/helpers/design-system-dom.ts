/** What jsdom lacks and the Strapi design system's popovers and selects use: call in `beforeAll` of a component test. */
export const fillDesignSystemGaps = () => {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {}, onchange: null, dispatchEvent: () => false })) as never;
  class NoopObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoopObserver;
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver ??= NoopObserver;
  Element.prototype.scrollIntoView ??= () => {};
  Element.prototype.hasPointerCapture ??= () => false;
  Element.prototype.releasePointerCapture ??= () => {};
};
