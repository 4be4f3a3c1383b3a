import { z } from 'zod';

/** Who follows whom (user keys; the GraphQL input takes their global IDs). */
export const followSchema = z.object({
  followerId: z.bigint(),
  followedId: z.bigint(),
});
