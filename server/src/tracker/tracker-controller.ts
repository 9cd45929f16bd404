import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { gzipSync } from 'zlib';
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';

/** Built by `npm run build` (esbuild) next to the server bundle: dist/tracker/tracker.min.js. */
const TRACKER_FILE = path.join(__dirname, '..', 'tracker', 'tracker.min.js');

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * `GET /api/personalization/tracker.js`: the tracker with the site's consent settings and dwell
 * heartbeats prepended, cacheable for an hour, gzipped for clients that accept it, with an ETag for
 * revalidation.
 */
const trackerController = ({ strapi }: { strapi: Core.Strapi }) => {
  let asset: Asset | undefined;
  const load = (): Asset => {
    if (asset) return asset;
    const { consent, triggers } = getPluginConfig(strapi);
    const settings = JSON.stringify({
      consent: consent.mode,
      honorBrowserSignals: consent.honorBrowserSignals,
      dwellHeartbeatsSec: triggers.enabled ? triggers.dwellHeartbeatsSec : [],
    });
    const body = Buffer.from(`window.__psnConfig=${settings};\n${fs.readFileSync(TRACKER_FILE, 'utf8')}`);
    asset = {
      body,
      gzipped: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    };
    return asset;
  };

  return {
    async serve(ctx: Context) {
      const { body, gzipped, etag } = load();
      ctx.set('Content-Type', 'application/javascript; charset=utf-8');
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.set('ETag', etag);
      ctx.set('Vary', 'Accept-Encoding');
      if (ctx.get('if-none-match') === etag) {
        ctx.status = 304;
        return;
      }
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = gzipped;
      } else {
        ctx.body = body;
      }
    },
  };
};

export default trackerController;
