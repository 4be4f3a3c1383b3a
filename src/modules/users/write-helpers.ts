import { uniqueViolation } from '../../db/errors.js';
import { ConflictError } from '../../core/errors.js';
import type { users } from './table.js';

export type UserRow = typeof users.$inferSelect;

/** The fields an audit diff shows of a user (the password hash only as "changed"). */
export function auditView(row: Partial<UserRow>): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

export function conflictFor(error: unknown, prefix: string[] = []): ConflictError | null {
  const constraint = uniqueViolation(error);
  if (!constraint) return null;
  if (constraint.includes('email'))
    return new ConflictError('A user with this email already exists', [{ path: [...prefix, 'email'], message: 'already taken' }]);
  if (constraint.includes('username'))
    return new ConflictError('A user with this username already exists', [{ path: [...prefix, 'username'], message: 'already taken' }]);
  return new ConflictError('A user with these values already exists');
}
