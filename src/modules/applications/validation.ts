import { z } from 'zod';
import { scopeList } from '../../access/scopes.js';

export const GRANTS = ['client_credentials', 'authorization_code', 'refresh_token', 'password'] as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Absolute https URLs; plain http only for the local machine (development). */
const redirectUri = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an absolute https URL (http only for localhost)');

const fields = {
  clientId: z
    .string()
    .min(2)
    .max(100)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
    .describe('The client id applications present (unique)'),
  displayName: z.string().min(1).max(200),
  grants: z
    .array(z.enum(GRANTS))
    .min(1)
    .max(4)
    .transform((g) => [...new Set(g)]),
  redirectUris: z.array(redirectUri).max(20).describe('Absolute https URLs (http only for localhost)'),
  role: z.enum(['INTERNAL', 'EXTERNAL']),
  scopes: scopeList.describe('Within what the role allows and you hold'),
};
export const createApplicationSchema = z.object(fields);
export const updateApplicationSchema = z.object(fields).partial();
