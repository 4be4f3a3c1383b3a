import type { SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';

/**
 * How another module adds a field to User without editing modules/users/: it defines the field in
 * its own folder (`builder.objectFields(UserRef, …)`) and registers here how to load it for many
 * users at once. The users lookups and pages call each selected field's loader once for all their
 * users (one statement per nested level) and put the value on each user under the field's name,
 * where the field's resolver finds it.
 */
export interface UserField {
  /**
   * The values for these users (IDs as text), given the field's selected child field names. One
   * statement for all of them; a user missing from the map gets `empty()`.
   */
  load: (db: Tx, userIds: readonly string[], selection: readonly string[]) => Promise<Map<string, unknown>>;
  /**
   * The same values as one SQL expression over the row of `users` (e.g. a correlated subquery),
   * built into the user's own JSON: a page then reads the field in its own statement, with no second
   * round trip. Optional; without it the users lookups call `load`.
   */
  project?: (selection: readonly string[]) => SQL;
  /** The child fields loaded when the whole user is asked for (the user an action answers with). */
  all: readonly string[];
  empty: () => unknown;
}

const registered = new Map<string, UserField>();

export function registerUserField(name: string, field: UserField): void {
  if (registered.has(name)) throw new Error(`User.${name} is registered twice`);
  registered.set(name, field);
}

/** The registered fields' names. */
export const userFieldNames = (): string[] => [...registered.keys()];

/** Every registered field with its full selection (for the whole user). */
export const allUserFields = (): Record<string, readonly string[]> => Object.fromEntries([...registered].map(([name, f]) => [name, f.all]));

/** The projections of `nested`'s fields that have one, as JSON entries of the user. */
export function projectedUserFields(nested: Readonly<Record<string, readonly string[]>> | undefined): [string, SQL][] {
  if (!nested) return [];
  return Object.entries(nested).flatMap(([name, selection]) => {
    const project = registered.get(name)?.project;
    return project ? [[name, project(selection)] as [string, SQL]] : [];
  });
}

/** The fields of `nested` without a projection: those `loadUserFields` must load. */
export function unprojectedUserFields(nested: Readonly<Record<string, readonly string[]>> | undefined): Record<string, readonly string[]> | undefined {
  if (!nested) return undefined;
  const left = Object.entries(nested).filter(([name]) => !registered.get(name)?.project);
  return left.length ? Object.fromEntries(left) : undefined;
}

/** Loads each of `nested`'s fields for all of `users` (one loader call per field) and sets it on each. */
export async function loadUserFields<T extends { id: string }>(
  db: Tx,
  users: T[],
  nested: Readonly<Record<string, readonly string[]>> | undefined,
): Promise<T[]> {
  if (!nested || users.length === 0) return users;
  const ids = users.map((u) => u.id);
  for (const [name, selection] of Object.entries(nested)) {
    const field = registered.get(name);
    if (!field) continue;
    const byUser = await field.load(db, ids, selection);
    for (const user of users) (user as Record<string, unknown>)[name] = byUser.has(user.id) ? byUser.get(user.id) : field.empty();
  }
  return users;
}

/**
 * What another module removes of a person's data when their account is erased: each step runs in
 * eraseUser's transaction (after the account row is scrubbed), so the erase and every module's part
 * of it commit or fail together. A module registers its step where its actions are defined.
 */
export type ErasureStep = (tx: Tx, userId: bigint) => Promise<void>;
const erasureSteps: ErasureStep[] = [];

export function registerErasure(step: ErasureStep): void {
  erasureSteps.push(step);
}

export const registeredErasures = (): readonly ErasureStep[] => erasureSteps;
