import { z } from 'zod';

/**
 * The URL of another server the gateway will call (a relay's actor, a webhook endpoint): absolute
 * http(s), no credentials, a host, at most 2,048 characters; the fragment is dropped. Answers a URL.
 */
export const outboundUrl = z
  .string()
  .trim()
  .min(1, 'required')
  .max(2048, 'at most 2,048 characters')
  .refine((s) => URL.canParse(s), 'not a URL')
  .transform((s) => new URL(s))
  .refine((u) => u.protocol === 'http:' || u.protocol === 'https:', 'must be an http or https URL')
  .refine((u) => !u.username && !u.password, 'must not carry credentials')
  .refine((u) => u.hostname.length > 0, 'must name a host')
  .transform((u) => {
    u.hash = '';
    return u;
  });
