import { builder } from '../../graphql/builder.js';
import type { UserJson } from './queries.js';

/** The User type's ref, apart from its fields (schema.ts), so the filter inputs can name it without a circle. */
export const UserRef = builder.objectRef<UserJson>('User');
