import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { applications } from '../applications/table.js';
import { users } from '../users/table.js';

export const roles = pgTable(
  'roles',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** Higher outranks lower; an actor manages only roles ranked below its own highest. */
    rank: integer('rank').notNull(),
    description: text('description').notNull().default(''),
    /** How Liquid (and UIs) name the role for people; empty: the name. */
    displayName: text('display_name').notNull().default(''),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    builtIn: boolean('built_in').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roles_name_key').on(sql`lower(${t.name})`), check('roles_rank_range', sql`${t.rank} between 1 and 1000`)],
);

/** A user's role, counted only inside its [startsAt, expiresAt) window. */
export const userRoles = pgTable(
  'user_roles',
  {
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: bigint('role_id', { mode: 'bigint' })
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    grantedBy: bigint('granted_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index('user_roles_role_idx').on(t.roleId)],
);

/**
 * A scope granted to a user directly (Liquid's access provisioning), counted only inside its window.
 * Applications get their own grants when they exist.
 */
export const userScopes = pgTable(
  'user_scopes',
  {
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    grantedBy: bigint('granted_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope] })],
);

/**
 * Liquid scope names kept for one user, application or role, exactly as Liquid sent them (in their
 * order), beside the catalog grants they enforce (user_scopes, roles.scopes, applications.scopes,
 * written in the same transaction). See access/liquid-scopes.ts for how they read back.
 */
export const liquidScopeSets = pgTable(
  'liquid_scope_sets',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'bigint' }).references(() => users.id, { onDelete: 'cascade' }),
    applicationId: bigint('application_id', { mode: 'bigint' }).references(() => applications.id, { onDelete: 'cascade' }),
    roleId: bigint('role_id', { mode: 'bigint' }).references(() => roles.id, { onDelete: 'cascade' }),
    names: text('names').array().notNull().default(sql`'{}'::text[]`),
    updatedBy: bigint('updated_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('liquid_scope_sets_user_key').on(t.userId),
    uniqueIndex('liquid_scope_sets_application_key').on(t.applicationId),
    uniqueIndex('liquid_scope_sets_role_key').on(t.roleId),
    check('liquid_scope_sets_one_owner', sql`num_nonnulls(${t.userId}, ${t.applicationId}, ${t.roleId}) = 1`),
  ],
);
