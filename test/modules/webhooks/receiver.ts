import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on 127.0.0.1 for the test file: records every request (headers, raw body) and
 * answers the status `answer` picks for it (200 unless told otherwise), per path.
 */
export function useReceiver(): {
  url: (path: string) => string;
  received: (path: string) => Received[];
  answer: (path: string, pick: (n: number) => number) => void;
} {
  const got: Received[] = [];
  const answers = new Map<string, (n: number) => number>();
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        got.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const n = got.filter((r) => r.path === path).length;
        res.writeHead(answers.get(path)?.(n) ?? 200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => got.filter((r) => r.path === path),
    answer: (path, pick) => answers.set(path, pick),
  };
}
