/**
 * May we store anything about this visitor? The site's consent mode decides what the absence of a
 * choice means; an explicit choice (consent cookie, or `X-Consent` from a server sender) always wins;
 * a browser's Global Privacy Control signal counts as a refusal unless the site turns that off.
 */
export type ConsentMode = 'opt-out' | 'opt-in' | 'none';
export type ConsentChoice = 'granted' | 'denied';

export interface ConsentSignals {
  mode: ConsentMode;
  choice?: ConsentChoice;
  /** `Sec-GPC: 1` was sent. */
  globalPrivacyControl: boolean;
  honorBrowserSignals: boolean;
}

export const parseConsentChoice = (value: unknown): ConsentChoice | undefined =>
  value === 'granted' || value === 'denied' ? value : undefined;

export const mayStore = ({ mode, choice, globalPrivacyControl, honorBrowserSignals }: ConsentSignals): boolean => {
  if (mode === 'none') return true;
  if (choice) return choice === 'granted';
  if (mode === 'opt-in') return false;
  return !(honorBrowserSignals && globalPrivacyControl);
};
