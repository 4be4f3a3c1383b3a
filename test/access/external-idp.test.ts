import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkExternalIdentity } from '../../src/modules/users/actions.js';
import { useGateway } from '../helpers/app.js';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'admin-gateway-api';
let server: Server;
let jwksUrl = '';
let privateKey: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const gw = useGateway(() => ({ JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));

const idpToken = (sub: string, claims: Record<string, unknown> = {}, opts: { aud?: string; iss?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(sub)
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

describe('tokens from an external identity provider (JWKS)', () => {
  it('act as the linked local user, with scopes from the database', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    await linkExternalIdentity(gw.system, mod.id, ISSUER, 'idp-user-1');
    const token = await idpToken('idp-user-1');
    expect((await gw.gql('{ viewer { username } }', {}, token)).body.data.viewer.username).toBe(mod.username);
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, token)).body.data.users.totalCount).toBeGreaterThan(0);
  });

  it('never take scopes from the token itself', async () => {
    const plain = await gw.user();
    await linkExternalIdentity(gw.system, plain.id, ISSUER, 'idp-user-2');
    const token = await idpToken('idp-user-2', { scope: 'admin', roles: ['superadmin'], scp: ['admin'] });
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuse unlinked subjects, other audiences and issuers, and HS256 signed with the public key', async () => {
    const unlinked = await gw.gql('{ viewer { id } }', {}, await idpToken('nobody-here'));
    expect(unlinked.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const owner = await gw.user();
    await linkExternalIdentity(gw.system, owner.id, ISSUER, 'idp-user-3');
    for (const token of [await idpToken('idp-user-3', {}, { aud: 'someone-else' }), await idpToken('idp-user-3', {}, { iss: 'https://evil.test' })]) {
      expect((await gw.gql('{ viewer { id } }', {}, token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const confused = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('idp-user-3')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect((await gw.gql('{ viewer { id } }', {}, confused)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a deactivated account is refused even with a valid IdP token', async () => {
    const user = await gw.user();
    await linkExternalIdentity(gw.system, user.id, ISSUER, 'idp-user-4');
    const admin = await gw.user({ roles: ['admin'] });
    await gw.gql(`mutation($i: DeleteUserInput!) { deleteUser(input: $i) { __typename } }`, { i: { id: user.gid } }, admin.token);
    const res = await gw.gql('{ viewer { id } }', {}, await idpToken('idp-user-4'));
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
