import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../src/modules/invites/actions.js';
import { useGateway } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';

const CHROMIUM = '/usr/bin/chromium';
const gw = useGateway();

// Litecord's /invite_register.html in a real browser (Debian's Chromium), with no network beyond the gateway.
describe.skipIf(onPostgres || !existsSync(CHROMIUM))('the invite registration page', () => {
  let server: Server;
  let browser: Browser;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => gw.app.listener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('registers with a code from the link, then shows the error for the used-up code', async () => {
    await createInvite(gw.system, { code: 'browser-one', maxUses: 1 });
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => (r.url().startsWith(base) ? undefined : foreign.push(r.url())));
    await page.goto(`${base}/invite_register.html?code=browser-one`);
    expect(await page.inputValue('#code')).toBe('browser-one');
    await page.fill('#username', 'browser_person');
    await page.fill('#email', 'browser_person@example.org');
    await page.fill('#password', 'browser-pass-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.ok', { timeout: 20_000 });
    expect(await page.textContent('#status')).toContain('Welcome, browser_person!');
    const login = await gw.gql(`mutation { login(username: "browser_person", password: "browser-pass-1") { accessToken } }`);
    expect(login.body.data.login.accessToken).toBeTruthy();

    await page.fill('#code', 'browser-one');
    await page.fill('#username', 'browser_second');
    await page.fill('#email', 'browser_second@example.org');
    await page.fill('#password', 'browser-pass-2');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error', { timeout: 20_000 });
    expect(await page.textContent('#status')).toContain('This invite code is not valid');
    expect(foreign).toEqual([]);
    await page.screenshot({ path: 'test/.artifacts/invite-register.png' }).catch(() => undefined);
  }, 60_000);
});
