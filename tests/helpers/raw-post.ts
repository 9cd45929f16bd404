import type http from 'http';
import { rawRequest, type RawResponse } from './raw-http';

export type { RawResponse } from './raw-http';

/** POSTs bytes exactly as given, with exactly the given headers (see `rawRequest`). */
export const rawPost = (server: http.Server, path: string, headers: Record<string, string>, body: Buffer | string): Promise<RawResponse> =>
  rawRequest(server, { method: 'POST', path, headers, body });
