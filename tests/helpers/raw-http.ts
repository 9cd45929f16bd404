import http from 'http';
import net from 'net';
import type { AddressInfo } from 'net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Header names and values as they came, repeated headers included. */
  rawHeaders: string[];
  text: string;
  /** The body as JSON when it parses (Strapi's answers), else `{}`. */
  body: { data?: unknown; error?: { status: number; name: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown>;
  /** Whether the body was JSON. */
  isJson: boolean;
}

export interface RawRequest {
  method: string;
  path: string;
  /** A list sends the header once per value (duplicate headers); undefined ones are left out. */
  headers?: Record<string, string | readonly string[] | undefined>;
  body?: Buffer | string;
}

const parsed = (text: string): Pick<RawResponse, 'body' | 'isJson'> => {
  if (!text) return { body: {}, isJson: false };
  try {
    return { body: JSON.parse(text), isJson: true };
  } catch {
    return { body: {}, isJson: false };
  }
};

/** The port of a listening server; listens on a free one first when it is not. */
const portOf = async (server: http.Server): Promise<{ port: number; close: () => Promise<void> }> => {
  const wasListening = server.listening;
  if (!wasListening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => (wasListening ? Promise.resolve() : new Promise((resolve) => server.close(() => resolve()))) };
};

/**
 * Sends a request exactly as given: the bytes of the body untouched (supertest re-serializes a
 * Buffer sent with a JSON or form content type, which defeats tests of gzip bodies under such
 * types, as RudderStack's SDK sends them) and the headers as listed, repeated ones included.
 * Node's client still refuses CR, LF and NUL in header values: `rawSocketRequest` sends those.
 */
export const rawRequest = async (server: http.Server, { method, path, headers = {}, body }: RawRequest): Promise<RawResponse> => {
  const { port, close } = await portOf(server);
  try {
    return await new Promise<RawResponse>((resolve, reject) => {
      const given = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as http.OutgoingHttpHeaders;
      const sent = { ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...given };
      const request = http.request({ host: '127.0.0.1', port, path, method, headers: sent, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaders: response.rawHeaders, text, ...parsed(text) });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  } finally {
    await close();
  }
};

/**
 * Writes `bytes` (a whole HTTP request, written by hand) to a socket and reads the answer until the
 * server closes it: for what Node's client will not send (CR or LF inside a header value, raw bytes).
 * The request should say `Connection: close`.
 */
export const rawSocketRequest = async (server: http.Server, bytes: Buffer | string): Promise<{ status: number; head: string; text: string }> => {
  const { port, close } = await portOf(server);
  try {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    const text = answer.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const head = end >= 0 ? text.slice(0, end) : text;
    return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, text: end >= 0 ? text.slice(end + 4) : '' };
  } finally {
    await close();
  }
};
