import { z } from 'zod';
import { regionId } from '../voice/validation.js';
import { GUILD_FEATURES } from './table.js';

const name = z.string().trim().min(2).max(100).describe('2 to 100 characters');
const icon = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_]+$/, 'an image hash (letters, digits, _)')
  .describe("The icon's image hash");
const vanityCode = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only')
  .describe('The vanity invite code (only while the guild has VANITY_URL); unique');

/** A list of features of the closed set; repeats are dropped. */
export const featureList = z
  .array(z.enum(GUILD_FEATURES))
  .max(50)
  .transform((list) => [...new Set(list)]);

export const createGuildSchema = z.object({
  name,
  icon: icon.nullish(),
  region: regionId.nullish(),
  features: featureList.default([]),
  unavailable: z.boolean().default(false),
  vanityCode: vanityCode.nullish(),
});

/** Omitted fields stay; null clears icon, region and vanityCode. Features change through their own mutations. */
export const updateGuildSchema = z.object({
  name: name.optional(),
  icon: icon.nullish(),
  region: regionId.nullish(),
  unavailable: z.boolean().optional(),
  vanityCode: vanityCode.nullish(),
});

export const FEATURE_OPERATIONS = ['REPLACE', 'ADD', 'REMOVE'] as const;
export type FeatureOperation = (typeof FEATURE_OPERATIONS)[number];
