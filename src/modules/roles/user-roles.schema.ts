import { batched } from '../../db/batch.js';
import { builder } from '../../graphql/builder.js';
import { UserRef } from '../users/schema.js';
import { ROLE_FIELDS, rolesOfUsers, type RoleJson } from './queries.js';
import { RoleRef } from './ref.schema.js';

/**
 * User.roles, added from the roles module: the users lookups and pages load it through the loader
 * registered in queries.ts (one statement for all the users of a level).
 */
builder.objectFields(UserRef, (t) => ({
  roles: t.field({
    type: [RoleRef],
    description: 'Roles whose grant window is open now',
    // Loaded with the users that carry them; fetched here only when a parent came without them.
    // Synchronous when present, so completing a page creates no promise per user.
    // Users that came without them (a reference such as Invite.createdBy) load theirs in one
    // statement per nested level.
    resolve: (u, _args, ctx) =>
      (u as { roles?: RoleJson[] }).roles ?? batched(ctx, 'user.roles', u.id, (db, ids) => rolesOfUsers(db, ids, ROLE_FIELDS)).then((roles) => roles ?? []),
  }),
}));
