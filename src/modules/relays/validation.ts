import { z } from 'zod';

/** A relay's actor URL: absolute http(s), no credentials, at most 2,048 characters; the fragment is dropped. */
export const relayUrl = z
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

export const relayUrlSchema = z.object({ url: relayUrl.describe("The relay's actor URL, e.g. https://relay.example/actor") });
