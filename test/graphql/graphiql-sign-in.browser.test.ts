import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { skipBrowser, useBrowser } from '../helpers/browser.js';

const gw = useGateway();
const KEY = 'admin-gateway:graphiql-session';

// GraphiQL signs in by itself: the page's sign-in box calls `login`, and GraphiQL's requests carry the token.
describe.skipIf(skipBrowser)('GraphiQL signs in by itself', () => {
  const { base: baseUrl, browser: theBrowser } = useBrowser(gw);

  it('a wrong password is said in the box; signing in makes the example query work; tokens refresh; the page holds no token', async () => {
    const admin = await gw.user({ username: 'graphiql_admin', roles: ['superadmin'], password: 'graphiql-admin-password' });
    const page = await theBrowser().newPage();
    const base = baseUrl();
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    const box = page.locator('#gateway-sign-in');
    await box.locator('input[name=username]').fill(admin.username);
    await box.locator('input[name=password]').fill('not-the-password');
    await box.locator('button[type=submit]').click();
    await expect.poll(() => box.locator('.problem').textContent(), { timeout: 60_000 }).not.toBe('');

    await box.locator('input[name=password]').fill('graphiql-admin-password');
    await box.locator('button[type=submit]').click();
    await box.locator('.signed-in').waitFor({ timeout: 60_000 });
    expect(await box.locator('.signed-in').textContent()).toContain(admin.username);

    // The example query GraphiQL opens with runs as the signed-in admin (the editor shows spaces as U+00A0: \s).
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(() => page.locator('.graphiql-response').textContent(), { timeout: 60_000 })
      .toMatch(new RegExp(`"username":\\s*"${admin.username}"[\\s\\S]*"totalCount":\\s*\\d+`));

    // An access token about to expire is traded for a new one before the request.
    const before = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'), KEY);
    await page.evaluate((key) => {
      const s = JSON.parse(sessionStorage.getItem(key) ?? 'null');
      sessionStorage.setItem(key, JSON.stringify({ ...s, expiresAt: new Date(Date.now() + 1000).toISOString() }));
    }, KEY);
    await page.reload();
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    const viewer = await page.evaluate(() =>
      fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { username } }' }) }).then(
        (r) => r.json(),
      ),
    );
    expect(viewer).toEqual({ data: { viewer: { username: admin.username } } });
    const after = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'), KEY);
    // Refreshed: the refresh token rotated and the access token's end moved on (an access token minted
    // in the same second as the one it replaces can be byte for byte the same JWT).
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now() + 60_000);

    // The served page is the same for everyone: no token in it.
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('gateway-sign-in');
    expect(html).not.toContain(after.accessToken);
    expect(html).not.toMatch(/eyJ[\w-]+\.eyJ/);

    await box.locator('button', { hasText: 'Sign out' }).click();
    await box.locator('input[name=username]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate((key) => sessionStorage.getItem(key), KEY)).toBeNull();
    await page.screenshot({ path: 'test/.artifacts/graphiql-sign-in.png' }).catch(() => undefined);
  }, 180_000);
});
