import { z } from 'zod';

/** What setSubscription takes besides the user: the tier is checked against the configured tiers by the action. */
export const setSubscriptionSchema = z.object({
  tier: z.string().min(1).max(128, 'at most 128 characters').describe('One of the configured tiers (subscriptionTiers); null: none').nullish(),
  active: z.boolean('must be true or false').describe("Switched on (Liquid's state: true) or off"),
  expiresAt: z.date().describe('When it ends; required when active').nullish(),
});

export type SetSubscriptionInput = z.input<typeof setSubscriptionSchema>;
