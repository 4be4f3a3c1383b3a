import { z } from 'zod';

export const mailAllSchema = z.object({
  subject: z.string().trim().min(1, 'required').max(200),
  message: z.string().trim().min(1, 'required').max(50_000).describe('Plain text'),
});
