import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { skipBrowser, useBrowser } from '../../helpers/browser.js';
import { restClient } from '../../helpers/clients.js';

const gw = useGateway();
const call = restClient(gw, '/api/pleroma/admin');

// The link of Pleroma's password_reset answer, opened in a real browser (Debian's Chromium), with no network beyond the gateway.
describe.skipIf(skipBrowser)('the Pleroma password reset page', () => {
  const { base: baseUrl, browser: theBrowser } = useBrowser(gw);

  it('sets the new password with the token from the link; the used link then says it is not valid', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ password: 'old-password-1' });
    const { link } = (await call('GET', `/users/${target.username}/password_reset`, admin.token)).body;
    const page = await theBrowser().newPage();
    const base = baseUrl();
    const foreign: string[] = [];
    page.on('request', (r) => (r.url().startsWith(base) ? undefined : foreign.push(r.url())));
    await page.goto(`${base}${new URL(link).pathname}`);

    await page.fill('#password', 'new-password-1');
    await page.fill('#confirm', 'not-the-same-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error', { timeout: 20_000 });
    expect(await page.textContent('#status')).toContain('differ');

    await page.fill('#confirm', 'new-password-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.ok', { timeout: 20_000 });
    const login = await gw.gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }', {
      u: target.username,
      p: 'new-password-1',
    });
    expect(login.body.data.login.accessToken).toEqual(expect.any(String));

    await page.fill('#password', 'third-password-1');
    await page.fill('#confirm', 'third-password-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error', { timeout: 20_000 });
    expect(await page.textContent('#status')).toContain('not valid');
    expect(foreign).toEqual([]);
  }, 60_000);
});
