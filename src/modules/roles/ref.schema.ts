import { builder } from '../../graphql/builder.js';
import type { RoleJson } from './queries.js';

/** The Role type's reference; implemented in schema.ts (a file of its own, so user-roles.schema.ts and schema.ts both use it). */
export const RoleRef = builder.objectRef<RoleJson>('Role');
