import fs from 'fs';
import http from 'http';
import path from 'path';
import vm from 'vm';
import { REPO_ROOT } from './paths';

/** A request the receiver got, with its body as received (the bytes a signature covers). */
export interface Received {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  json: Record<string, unknown>;
  /** The status it answered. */
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the status of each request (default: 200); a promise holds the answer back until it settles. */
  respond: (received: Omit<Received, 'status'>) => number | Promise<number>;
  stop(): Promise<void>;
}

/** A real HTTP server on a free port of 127.0.0.1 that records what it is sent: the other end of outbound deliveries. */
export const startReceiver = async (): Promise<Receiver> => {
  const receiver: Receiver = {
    url: '',
    received: [],
    respond: () => 200,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(rawBody);
      } catch {
        // recorded as is
      }
      const status = await receiver.respond({ headers: request.headers, rawBody, json });
      receiver.received.push({ headers: request.headers, rawBody, json, status });
      if (!response.destroyed) response.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  return receiver;
};

/**
 * The signature check exactly as the README shows it to receivers (the code block after
 * `<!-- receiver-snippet -->`), evaluated here so that a wrong snippet fails the tests.
 */
export const readmeVerifier = (): ((secret: string, rawBody: string, header: string, toleranceSec?: number) => boolean) => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const after = readme.split('<!-- receiver-snippet -->')[1];
  const code = after?.match(/```js\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README: no receiver snippet after <!-- receiver-snippet -->');
  const sandbox: Record<string, unknown> = { require, Buffer };
  vm.runInNewContext(`${code}\nthis.verify = verifyPsnSignature;`, sandbox);
  return sandbox.verify as ReturnType<typeof readmeVerifier>;
};
