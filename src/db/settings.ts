import { pgTable, text } from 'drizzle-orm/pg-core';

/** Server-wide values generated once and shared by every instance (for example the JWT secret). */
export const gatewaySettings = pgTable('gateway_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
