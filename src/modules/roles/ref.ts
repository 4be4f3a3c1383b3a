import { builder } from '../../graphql/builder.js';
import type { RoleRow } from './queries.js';

/** A role as the API answers it (JSON built by PostgreSQL, or converted from a row). */
export interface RoleJson {
  __typename?: 'Role';
  id: string;
  name: string;
  rank: number;
  description: string;
  scopes: string[];
  builtIn: boolean;
}

/** The Role type's reference; implemented in schema.ts (a file of its own so users/schema can use it). */
export const RoleRef = builder.objectRef<RoleJson>('Role');

/** A row as the Role type resolves it (with `__typename`, as the JSON PostgreSQL builds carries it). */
export const roleJsonOf = (row: RoleRow): RoleJson => ({
  __typename: 'Role',
  id: row.id.toString(),
  name: row.name,
  rank: row.rank,
  description: row.description,
  scopes: row.scopes,
  builtIn: row.builtIn,
});
