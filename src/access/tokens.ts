import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';

export type VerifiedToken = { kind: 'local'; userId: bigint; sessionId: string | null } | { kind: 'external'; issuer: string; subject: string };

const CLOCK_TOLERANCE = 30;
const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class TokenError extends Error {}

/**
 * Signs the gateway's own access tokens (HS256, one key) and verifies those or, when a JWKS URL is
 * configured, an identity provider's tokens (asymmetric algorithms only, so an HS256 token can never
 * be checked against a public key).
 */
export class Tokens {
  private readonly key: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly jwt: Config['jwt'] & { secret: string }) {
    this.key = new TextEncoder().encode(jwt.secret);
    if (jwt.jwksUrl) this.jwks = createRemoteJWKSet(new URL(jwt.jwksUrl));
  }

  async signAccess(userId: bigint, sessionId: string | null, ttlSeconds = this.jwt.accessTtlSeconds) {
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + ttlSeconds) * 1000);
    const token = await new SignJWT(sessionId ? { sid: sessionId } : {})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId.toString())
      .setIssuer(this.jwt.issuer)
      .setAudience(this.jwt.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  // A verified token stays valid until its exp, so its claims are remembered: HMAC through WebCrypto
  // is a large share of a request's CPU. Revocation is not affected; sessions are checked separately.
  private readonly verified = new Map<string, { claims: VerifiedToken; expiresAt: number }>();

  async verify(token: string): Promise<VerifiedToken> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.claims;
    const claims = await this.verifyUncached(token);
    const exp = (decodeJwt(token).exp ?? 0) * 1000;
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, { claims, expiresAt: exp });
    return claims;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenError('malformed token');
    }
    try {
      if (alg === 'HS256') {
        const { payload } = await jwtVerify(token, this.key, {
          algorithms: ['HS256'],
          issuer: this.jwt.issuer,
          audience: this.jwt.audience,
          clockTolerance: CLOCK_TOLERANCE,
          requiredClaims: ['exp', 'sub'],
        });
        if (!/^\d+$/.test(payload.sub!)) throw new TokenError('bad subject');
        return { kind: 'local', userId: BigInt(payload.sub!), sessionId: typeof payload.sid === 'string' ? payload.sid : null };
      }
      if (this.jwks && alg && EXTERNAL_ALGORITHMS.includes(alg)) {
        const { payload } = await jwtVerify(token, this.jwks, {
          algorithms: EXTERNAL_ALGORITHMS,
          issuer: this.jwt.externalIssuer,
          audience: this.jwt.externalAudience,
          clockTolerance: CLOCK_TOLERANCE,
          requiredClaims: ['exp', 'sub', 'iss'],
        });
        return { kind: 'external', issuer: payload.iss!, subject: payload.sub! };
      }
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JOSEError) throw new TokenError(error.code);
      throw error;
    }
    throw new TokenError('unsupported token algorithm');
  }
}

/** Opaque refresh tokens: `<session id>.<random>`; only the sha256 of the whole is stored. */
export function newRefreshToken(sessionId: string): string {
  return `${sessionId}.${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Accepts `Bearer X` and a bare `X` (Litecord and pronouns.cc send the token without a scheme). */
export function tokenFromHeader(header: string | null | undefined): string | null {
  if (!header) return null;
  const trimmed = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(trimmed);
  const token = (match ? match[1] : trimmed).trim();
  return token.length > 0 ? token : null;
}
