import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrust } from '../../src/core/client-address.js';
import { loadConfig } from '../../src/config.js';
import { useGateway } from '../helpers/app.js';

describe('clientAddress', () => {
  const trust = compileTrust(['10.0.0.0/8', 'loopback']);

  it('believes X-Forwarded-For only from a trusted peer, right to left up to the first untrusted hop', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', trust)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1', trust)).toBe('198.51.100.1');
    expect(clientAddress('10.1.2.3', '198.51.100.1, 203.0.113.5, 10.9.9.9', trust)).toBe('203.0.113.5');
    expect(clientAddress('127.0.0.1', '198.51.100.1', null)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', 'not-an-address', trust)).toBe('127.0.0.1');
    expect(clientAddress(null, '198.51.100.1', trust)).toBeNull();
    expect(clientAddress('::ffff:127.0.0.1', '2001:db8::1', trust)).toBe('2001:db8::1');
  });

  it('TRUSTED_PROXIES takes CIDRs, addresses and names, and names a bad entry', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,uniquelocal' }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', 'uniquelocal']);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.example' })).toThrow(/TRUSTED_PROXIES: proxy\.example is not an address/);
  });
});

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';
const sessionIps = `query($id: ID!) { sessions(userId: $id, first: 10) { edges { node { ip } } } }`;

describe('behind a trusted proxy', () => {
  const gw = useGateway({ TRUSTED_PROXIES: '127.0.0.1' });

  it('sessions record the forwarded client, and each client behind the proxy has its own sign-in limits', async () => {
    const user = await gw.user({ password: 'right-password-1' });
    const from = (client: string, password: string) => gw.gqlFrom('127.0.0.1', LOGIN, { u: user.username, p: password }, { 'x-forwarded-for': client });
    expect((await from('198.51.100.7', 'right-password-1')).body.data.login.accessToken).toEqual(expect.any(String));
    const ips = (await gw.gql(sessionIps, { id: user.gid }, user.token)).body.data.sessions.edges.map((e: any) => e.node.ip);
    expect(ips).toContain('198.51.100.7');

    // One client behind the proxy exhausts its own attempts on the account; another still signs in.
    let limited = false;
    for (let i = 0; i < 10 && !limited; i++) limited = (await from('198.51.100.8', 'wrong-password')).body.errors?.[0].extensions.code === 'RATE_LIMITED';
    expect(limited).toBe(true);
    expect((await from('198.51.100.9', 'right-password-1')).body.data.login.accessToken).toEqual(expect.any(String));
  });
});

describe('without trusted proxies', () => {
  const gw = useGateway();

  it('X-Forwarded-For is ignored: the socket address is the client', async () => {
    const user = await gw.user({ password: 'right-password-1' });
    await gw.gqlFrom('192.0.2.44', LOGIN, { u: user.username, p: 'right-password-1' }, { 'x-forwarded-for': '198.51.100.7' });
    const ips = (await gw.gql(sessionIps, { id: user.gid }, user.token)).body.data.sessions.edges.map((e: any) => e.node.ip);
    expect(ips).toContain('192.0.2.44');
    expect(ips).not.toContain('198.51.100.7');
  });
});
