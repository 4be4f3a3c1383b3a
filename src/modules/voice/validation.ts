import { z } from 'zod';

/** A voice region id as Litecord keeps it: always lower case (the input is lowercased). */
export const regionId = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only')
  .transform((s) => s.toLowerCase())
  .describe('The region id ("brazil", "us-east"); lowercased');

export const createVoiceRegionSchema = z.object({
  id: regionId,
  name: z.string().trim().min(1).max(255),
  vip: z.boolean().default(false).describe('Only guilds with VIP_REGIONS may use it'),
  deprecated: z.boolean().default(false),
  custom: z.boolean().default(false),
});

export const addVoiceServerSchema = z.object({
  region: regionId,
  hostname: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9._:[\]-]+$/, 'a host name or address, optionally with :port')
    .transform((s) => s.toLowerCase())
    .describe('Unique over every region (compared in lower case)'),
});
