import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { TestGateway } from './app.js';
import { onPostgres } from './db.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser tests run once, on the PGlite project (the postgres project skips them: they test pages,
 * not the database). They never skip for a missing browser: without Debian's Chromium at
 * /usr/bin/chromium they FAIL (useBrowser says how to install it), so CI cannot pass without them.
 */
export const skipBrowser = onPostgres;

const MISSING = `Chromium is not installed at ${CHROMIUM}: the browser tests need Debian's package (apt-get install -y chromium); .ci/run installs it`;

/**
 * Serves the gateway on a local port through its Node listener and launches Debian's Chromium,
 * headless and with no network beyond that server. Call inside a describe block.
 */
export function useBrowser(gw: TestGateway): { base: () => string; browser: () => Browser } {
  let server: Server;
  let browser: Browser;
  let base = '';
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    server = createServer((req, res) => gw.app.listener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });
  return { base: () => base, browser: () => browser };
}
