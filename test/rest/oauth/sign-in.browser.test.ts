import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { skipBrowser, useBrowser } from '../../helpers/browser.js';
import { makeApplication } from '../../helpers/factories.js';
import { PASSWORD, written } from './oauth.js';

const gw = useGateway();
/** The client's redirect URI: another origin than the gateway's (so the CSP's form-action must name it), answered by the test. */
const CALLBACK = 'http://localhost:9/cb';

// The sign-in and consent pages in Debian's Chromium: the CSP lets the gateway's script and stylesheet
// run, forms post and the redirect to the client's origin follow, and nothing else is loaded.
describe.skipIf(skipBrowser)('the OAuth sign-in pages in a browser', () => {
  const { base: baseUrl, browser: theBrowser } = useBrowser(gw);
  let username = '';
  let internal = '';
  let external = '';

  beforeAll(async () => {
    username = (await gw.user({ roles: ['admin'], password: PASSWORD })).username;
    internal = (await makeApplication(gw, { clientId: 'browser-internal', role: 'INTERNAL', grants: ['authorization_code'], redirectUris: [CALLBACK] }))
      .clientId;
    external = (
      await makeApplication(gw, {
        clientId: 'browser-external',
        displayName: 'Browser Outsider',
        role: 'EXTERNAL',
        grants: ['authorization_code'],
        redirectUris: [CALLBACK],
      })
    ).clientId;
  });

  /** A page that records CSP complaints and requests beyond the gateway; the client's callback is answered here. */
  async function open(clientId: string): Promise<{ page: Page; problems: string[]; foreign: string[] }> {
    const page = await theBrowser().newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => (r.url().startsWith(baseUrl()) || r.url().startsWith(CALLBACK) ? undefined : foreign.push(r.url())));
    await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>client callback</p>' }));
    await page.goto(`${baseUrl()}/oauth/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}&state=s1`);
    return { page, problems, foreign };
  }

  async function signIn(page: Page, password: string) {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#submit');
  }

  it('signs in: the script and stylesheet run under the CSP, and the browser lands on the client with a code', async () => {
    const { page, problems, foreign } = await open(internal);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).borderTopLeftRadius)).toBe('12px');
    await signIn(page, PASSWORD);
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/, { timeout: 20_000 });
    const back = new URL(page.url());
    expect(back.searchParams.get('code')).toMatch(/\w{20,}/);
    expect(back.searchParams.get('state')).toBe('s1');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  }, 60_000);

  it('shows the error for a wrong password and stays on the page', async () => {
    const { page } = await open(internal);
    await signIn(page, 'definitely wrong');
    await page.waitForSelector('#error', { timeout: 20_000 });
    expect(await page.textContent('#error')).toBe('Invalid username or password');
    expect(new URL(page.url()).pathname).toBe('/oauth/authorize');
    expect(await page.inputValue('#username')).toBe(username);
  }, 60_000);

  it('asks consent for an EXTERNAL application; given, the client gets a code', async () => {
    const { page, problems } = await open(external);
    await signIn(page, PASSWORD);
    await page.waitForSelector('#allow', { timeout: 20_000 });
    expect(await page.textContent('main')).toContain('Browser Outsider');
    await page.click('#allow');
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/, { timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    expect(problems).toEqual([]);
  }, 60_000);

  it('consent refused: the client gets error=access_denied and nothing is written', async () => {
    const { page } = await open(external);
    await signIn(page, PASSWORD);
    await page.waitForSelector('#deny', { timeout: 20_000 });
    const before = await written(gw);
    await page.click('#deny');
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/, { timeout: 20_000 });
    const back = new URL(page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect(await written(gw)).toEqual(before);
  }, 60_000);
});
