import type { Context } from 'koa';
import type { PluginConfig } from '../config';
import { header, readCookie } from '../shared/http';
import { mayStore, parseConsentChoice } from './consent-policy';

/**
 * The visitor's consent for this request: the consent cookie (set by `POST .../consent`), or
 * `X-Consent: granted|denied` from a server sender, against the site's mode and `Sec-GPC`.
 */
export const consentOf = (ctx: Context, consent: PluginConfig['consent']): boolean =>
  mayStore({
    mode: consent.mode,
    choice: parseConsentChoice(readCookie(ctx, consent.cookieName) ?? header(ctx, 'x-consent')),
    globalPrivacyControl: header(ctx, 'sec-gpc') === '1',
    honorBrowserSignals: consent.honorBrowserSignals,
  });
