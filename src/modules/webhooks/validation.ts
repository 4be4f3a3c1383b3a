import { z } from 'zod';
import { outboundUrl } from '../../core/outbound-url.js';

/** How many patterns an endpoint may carry. */
export const MAX_EVENT_PATTERNS = 50;

/** An audit action (`user.create`), `*` for every event, or `prefix.*` for every action under prefix. */
const EVENT_PATTERN = /^(\*|[a-z][a-zA-Z0-9_-]*(\.[a-z][a-zA-Z0-9_-]*)*(\.\*)?)$/;

/** An endpoint URL (core/outbound-url: absolute http(s), no credentials, no fragment), as text. */
export const webhookUrl = outboundUrl.transform((u) => u.href);

export const eventPatterns = z
  .array(z.string().trim().max(200, 'at most 200 characters').regex(EVENT_PATTERN, 'an audit action (user.create), user.* or *'))
  .min(1, 'at least one pattern')
  .max(MAX_EVENT_PATTERNS, `at most ${MAX_EVENT_PATTERNS} patterns`)
  .transform((list) => [...new Set(list)]);

const description = z.string().trim().max(500, 'at most 500 characters');

export const createWebhookSchema = z.object({
  url: webhookUrl.describe('Where events are POSTed, e.g. https://hooks.example/gateway'),
  events: eventPatterns.describe('Audit actions to deliver: user.create, user.* (every action under user) or * (all)'),
  description: description.optional(),
});

export const updateWebhookSchema = z.object({
  url: webhookUrl.optional(),
  events: eventPatterns.optional(),
  description: description.optional(),
  enabled: z.boolean().optional().describe('false stops deliveries (pending ones fail); true starts them again and clears the failure count'),
});

/** True when an audit action matches one of the patterns (the same rule as the audit_log trigger). */
export function matchesEvent(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => p === '*' || p === action || (p.endsWith('.*') && action.startsWith(p.slice(0, -1))));
}
