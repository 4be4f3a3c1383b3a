import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';

const CHROMIUM = '/usr/bin/chromium';
const gw = useGateway();

// A real browser, from Debian's package (CI installs it); the page must work with no network.
describe.skipIf(onPostgres || !existsSync(CHROMIUM))('GraphiQL in a browser', () => {
  let server: Server;
  let browser: Browser;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => gw.app.listener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('renders from the gateway alone and runs a query', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
    });
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    const answer = await page.evaluate(async () => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      return res.json();
    });
    expect(answer).toEqual({ data: { __typename: 'Query' } });
    expect(foreign).toEqual([]);
    await page.screenshot({ path: 'test/.artifacts/graphiql.png' }).catch(() => undefined);
  }, 60_000);
});
