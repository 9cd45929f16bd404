import http from 'http';
import type { AddressInfo } from 'net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { data?: unknown; error?: { status: number; name: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown>;
}

/**
 * POSTs bytes exactly as given, with exactly the given headers. supertest re-serializes a Buffer
 * sent with a JSON or form content type, which defeats tests of gzip bodies under such types (as
 * RudderStack's SDK sends them).
 */
export const rawPost = async (server: http.Server, path: string, headers: Record<string, string>, body: Buffer | string): Promise<RawResponse> => {
  const listening = server.listening ? null : await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<RawResponse>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : {} });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  } finally {
    if (listening !== null) await new Promise((resolve) => server.close(resolve));
  }
};
