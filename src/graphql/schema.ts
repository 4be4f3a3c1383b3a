import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './error-types.js';
import '../modules/roles/schema.js';
import '../modules/users/schema.js';
import '../modules/sessions/schema.js';
import '../modules/audit/schema.js';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: false });
export const sortedSchema = lexicographicSortSchema(schema);
