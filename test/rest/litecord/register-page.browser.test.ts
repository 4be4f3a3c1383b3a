import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { skipBrowser, useBrowser } from '../../helpers/browser.js';
import { makeInvite } from '../../helpers/factories.js';

const gw = useGateway();

// Litecord's /invite_register.html in a real browser (Debian's Chromium), with no network beyond the gateway.
describe.skipIf(skipBrowser)('the invite registration page', () => {
  const { base: baseUrl, browser: theBrowser } = useBrowser(gw);

  it('registers with a code from the link, then shows the error for the used-up code', async () => {
    await makeInvite(gw, { code: 'browser-one', maxUses: 1 });
    const page = await theBrowser().newPage();
    const base = baseUrl();
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
