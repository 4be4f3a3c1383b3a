import { createHmac, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/**
 * The authorization request as the sign-in and consent forms carry it: a short-lived HS256 JWT
 * (jose) signed with a key derived from JWT_SECRET for this purpose only, bound to a random
 * HttpOnly cookie set with the page (its sha256 is in the token), so a form cannot be replayed from
 * another browser nor posted by another site (CSRF). The consent form's token also names the user
 * who signed in.
 */
export const AUTHORIZE_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
export type AuthorizeParams = Partial<Record<(typeof AUTHORIZE_PARAMS)[number], string>>;

export const authorizeParams = z.object(
  Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, z.string().max(2048).optional()])) as Record<
    (typeof AUTHORIZE_PARAMS)[number],
    z.ZodOptional<z.ZodString>
  >,
);

export const FORM_COOKIE = 'gw_oauth_form';
const SIGN_IN_TTL = 15 * 60;
const CONSENT_TTL = 5 * 60;

export type FormClaims = { step: 'sign-in'; params: AuthorizeParams } | { step: 'consent'; params: AuthorizeParams; userId: string };

export class FormTokens {
  private readonly key: Uint8Array;

  constructor(jwtSecret: string) {
    this.key = createHmac('sha256', jwtSecret).update('oauth authorize forms').digest();
  }

  newBinding(): string {
    return randomBytes(32).toString('base64url');
  }

  async sign(claims: FormClaims, binding: string): Promise<string> {
    return new SignJWT({ ...claims, bind: digest(binding) })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('oauth-form')
      .setIssuedAt()
      .setExpirationTime(`${claims.step === 'consent' ? CONSENT_TTL : SIGN_IN_TTL}s`)
      .sign(this.key);
  }

  /** The claims of a form token that is unexpired, ours, and bound to this browser's cookie; null otherwise. */
  async verify(token: string | undefined, binding: string | undefined): Promise<FormClaims | null> {
    if (!token || !binding) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: 'oauth-form' });
      if (payload.bind !== digest(binding)) return null;
      const parsed = formClaims.safeParse(payload);
      return parsed.success ? parsed.data : null;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}

const formClaims = z.union([
  z.object({ step: z.literal('sign-in'), params: authorizeParams }),
  z.object({ step: z.literal('consent'), params: authorizeParams, userId: z.string().regex(/^\d+$/) }),
]);

const digest = (value: string) => createHmac('sha256', 'binding').update(value).digest('base64url');
