import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';

/** Public (tokenless) profile reads are limited per client address: 429 beyond, other addresses unaffected. */
const gw = useGateway({ PRONOUNS_PUBLIC_READS_PER_MINUTE: '3' });

const from = (ip: string, path: string) => gw.app.fetch(new Request(`http://gateway.test${path}`), { incoming: { socket: { remoteAddress: ip } } });

describe('public reads', () => {
  it('answers 429 {code: 429} past the limit for one address, while another address and a signed-in caller still read', async () => {
    const u = await gw.user();
    await gw.request('/api/v1/users/@me', { headers: { authorization: u.token } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await from('203.0.113.7', `/api/v1/users/${u.username}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await from('203.0.113.7', '/users/somebody-else');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 429 });
    expect((await from('203.0.113.8', `/api/v1/users/${u.username}`)).status).toBe(200);
    const signedIn = await gw.app.fetch(new Request(`http://gateway.test/api/v1/users/${u.username}`, { headers: { authorization: u.token } }), {
      incoming: { socket: { remoteAddress: '203.0.113.7' } },
    });
    expect(signedIn.status).toBe(200);
  });
});
