import { createHash } from 'node:crypto';
import httpSignature from 'http-signature';

/**
 * HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures, rsa-sha256, in the
 * `Signature` header), through Joyent's http-signature: the signing string, its RSA signature and the
 * header's syntax are the library's, never ours. We add only what the draft leaves to the
 * application: which headers must be signed, and that the Digest really is the body's SHA-256.
 */
export const SIGNED_HEADERS = ['(request-target)', 'host', 'date', 'digest'] as const;
const SIGNED_GET_HEADERS = ['(request-target)', 'host', 'date'] as const;
/** Accepted clock difference between the sender's Date and ours. */
const CLOCK_SKEW_SECONDS = 300;

export const digestOf = (body: string | Buffer) => `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

export interface SigningKey {
  keyId: string;
  privateKeyPem: string;
}

/**
 * The headers of a signed request to `url`: Host, Date, Digest (with a body) and Signature over
 * `(request-target)`, host, date and (with a body) digest.
 */
export function signedHeaders(method: 'GET' | 'POST', url: URL, key: SigningKey, body?: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...extra, host: url.host, date: new Date().toUTCString() };
  if (body !== undefined) headers.digest = digestOf(body);
  const carrier = {
    method,
    path: `${url.pathname}${url.search}`,
    getHeader: (name: string) => headers[name.toLowerCase()],
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
  };
  // http-signature signs anything with method, path, getHeader and setHeader; its types name ClientRequest.
  httpSignature.signRequest(carrier as never, {
    keyId: key.keyId,
    key: key.privateKeyPem,
    algorithm: 'rsa-sha256',
    headers: [...(body === undefined ? SIGNED_GET_HEADERS : SIGNED_HEADERS)],
  });
  // The library writes `Authorization: Signature <params>`; the fediverse reads `Signature: <params>`.
  headers.signature = headers.authorization.replace(/^Signature /, '');
  delete headers.authorization;
  return headers;
}

/** A request as it arrived: what verifying its signature needs. */
export interface ArrivedRequest {
  method: string;
  /** Path and query, as the request line had them. */
  path: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export class SignatureError extends Error {
  override name = 'SignatureError';
}

/** The keyId a request claims to be signed with (parsed, not yet verified); SignatureError when the header is missing or malformed. */
export function claimedKeyId(request: ArrivedRequest): { keyId: string; parsed: ReturnType<typeof httpSignature.parseRequest> } {
  const headers = { ...request.headers };
  // A Signature header only: an Authorization header is never taken as a signature here.
  delete headers.authorization;
  try {
    // http-signature reads method, url, httpVersion and headers; its types name ClientRequest.
    const parsed = httpSignature.parseRequest({ method: request.method, url: request.path, httpVersion: '1.1', headers } as never, {
      headers: [...SIGNED_HEADERS],
      clockSkew: CLOCK_SKEW_SECONDS,
      algorithms: ['rsa-sha256'],
    });
    return { keyId: parsed.params.keyId, parsed };
  } catch (error) {
    throw new SignatureError(`signature not accepted: ${(error as Error).message}`);
  }
}

/** Throws SignatureError unless `parsed` verifies with `publicKeyPem` and the Digest is the body's SHA-256. */
export function verifyArrived(request: ArrivedRequest, parsed: ReturnType<typeof httpSignature.parseRequest>, publicKeyPem: string): void {
  let valid = false;
  try {
    valid = httpSignature.verifySignature(parsed, publicKeyPem);
  } catch (error) {
    throw new SignatureError(`signature not accepted: ${(error as Error).message}`);
  }
  if (!valid) throw new SignatureError('signature does not verify');
  // Digest names its algorithm case-insensitively (RFC 3230); only SHA-256 is accepted.
  const digest = request.headers.digest ?? '';
  if (digest.slice(0, 8).toUpperCase() !== 'SHA-256=' || `SHA-256=${digest.slice(8)}` !== digestOf(request.body))
    throw new SignatureError('digest does not match the body');
}
