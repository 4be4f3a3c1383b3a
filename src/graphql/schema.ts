import { encodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType, lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './error-types.js';
import '../modules/users/schema.js';
import '../modules/users/filter.schema.js';
import '../modules/users/lifecycle.schema.js';
import '../modules/users/profile.schema.js';
import '../modules/users/bulk.schema.js';
import '../modules/roles/schema.js';
import '../modules/roles/user-roles.schema.js';
import '../modules/roles/liquid.schema.js';
import '../modules/sessions/schema.js';
import '../modules/audit/schema.js';
import '../modules/invites/schema.js';
import '../modules/password-resets/schema.js';
import '../modules/applications/schema.js';
import '../modules/mail/schema.js';
import '../modules/voice/schema.js';
import '../modules/guilds/schema.js';
import '../modules/follows/schema.js';
import '../modules/relays/schema.js';
import '../modules/subscriptions/schema.js';
import '../modules/media/schema.js';
import '../modules/webhooks/schema.js';
import '../modules/profiles/user-fields.schema.js';
import '../modules/profiles/profile.schema.js';
import '../modules/profiles/self.schema.js';
import '../modules/profiles/moderation.schema.js';
import '../modules/skins/schema.js';
import '../modules/skins/mutations.schema.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/**
 * The relay plugin resolves every node's `id` asynchronously, which makes graphql-js build a
 * promise for each object of a page. Our nodes carry their key as `id`, so encode it in place.
 */
function syncNodeIds(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const id = type.getFields().id;
    const keyed = id.resolve;
    // A node without an `id` property (AuditEvent, keyed by seq) keeps its own resolver.
    id.resolve = (parent: { id?: string | bigint }, ...rest) =>
      parent.id === undefined ? keyed?.(parent, ...rest) : encodeGlobalID(type.name, String(parent.id));
  }
  return schema;
}

export const schema = syncNodeIds(builder.toSchema({ sortSchema: false }));
export const sortedSchema = lexicographicSortSchema(schema);
