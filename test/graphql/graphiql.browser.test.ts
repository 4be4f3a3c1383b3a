import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { skipBrowser, useBrowser } from '../helpers/browser.js';

const gw = useGateway();

// A real browser, from Debian's package (CI installs it); the page must work with no network.
describe.skipIf(skipBrowser)('GraphiQL in a browser', () => {
  const { base: baseUrl, browser: theBrowser } = useBrowser(gw);

  it('renders from the gateway alone and runs a query', async () => {
    const page = await theBrowser().newPage();
    const base = baseUrl();
    const foreign: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
    });
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    const answer = await page.evaluate(async () => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return res.json();
    });
    expect(answer).toEqual({ data: { __typename: 'Query' } });
    expect(foreign).toEqual([]);
    await page.screenshot({ path: 'test/.artifacts/graphiql.png' }).catch(() => undefined);
  }, 60_000);
});
