import { z } from 'zod';
import { asShimError } from '../shim.js';
import { checked } from './params.js';

/**
 * Pleroma 1.1's bulk create (`POST /users {users: [...]}`): one createUsers, all or nothing. Success
 * answers one `{type: "success", code: 200, data: {nickname, email}}` per user; a refused batch is
 * 409 with one `{type: "error", code: 409, error, data}` per user, `error` naming the first problem
 * of that user ("nickname already taken") or "" for the users that were fine, as Pleroma renders it.
 */

const item = z.object({ nickname: z.string().max(320), email: z.string().max(320), password: z.string().max(1024) });
export const usersParam = z.array(item).min(1, 'at least one user').max(1000, 'at most 1000 users');

export type BulkItem = z.output<typeof item>;

/** The createUsers input of the `users` parameter (its shape checked here: each item needs nickname, email and password). */
export function createUsersInput(users: unknown): { input: { users: { username: string; email: string; password: string }[] }; items: BulkItem[] } {
  const items = checked(z.object({ users: usersParam }), { users }).users;
  return { input: { users: items.map((u) => ({ username: u.nickname, email: u.email, password: u.password })) }, items };
}

export const createdList = (users: { username: string; domain: string | null; email: string | null }[]) =>
  users.map((u) => ({ type: 'success', code: 200, data: { nickname: u.domain ? `${u.username}@${u.domain}` : u.username, email: u.email } }));

/** Pleroma's field names for the gateway's. */
const FIELD: Record<string, string> = { username: 'nickname', domain: 'nickname', email: 'email', password: 'password' };

/** The 409 list for a batch refused for its items' contents (bad or taken fields); null for any other failure. */
export function bulkFailure(thrown: unknown, items: BulkItem[]) {
  const error = asShimError(thrown);
  if (!error || (error.code !== 'BAD_INPUT' && error.code !== 'CONFLICT')) return null;
  const problems = new Map<number, string>();
  for (const field of error.fields) {
    const at = field.path.indexOf('users');
    const index = Number(field.path[at + 1]);
    if (at < 0 || !Number.isInteger(index) || problems.has(index)) continue;
    const name = field.path[at + 2];
    problems.set(index, name ? `${FIELD[name] ?? name} ${field.message}` : field.message);
  }
  if (problems.size === 0) return null;
  return items.map((u, i) => ({ type: 'error', code: 409, error: problems.get(i) ?? '', data: { nickname: u.nickname, email: u.email } }));
}
