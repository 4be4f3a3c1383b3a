import { defineRelations } from 'drizzle-orm';
import * as schema from './schema.js';

export const relations = defineRelations(schema, (r) => ({
  users: {
    roles: r.many.roles({
      from: r.users.id.through(r.userRoles.userId),
      to: r.roles.id.through(r.userRoles.roleId),
    }),
    sessions: r.many.sessions(),
  },
  roles: {
    users: r.many.users(),
  },
  sessions: {
    user: r.one.users({ from: r.sessions.userId, to: r.users.id }),
  },
}));
