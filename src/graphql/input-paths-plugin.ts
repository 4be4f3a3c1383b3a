import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { AppError } from '../core/errors.js';

/**
 * Actions name the fields of their own input (`['email']`, `['users', '3', 'email']`), so the CLI
 * and tests that call them directly read paths as the action takes its input. A GraphQL field that
 * takes its input as one `input` argument answers those paths under it (`input.email`): this plugin
 * wraps such fields' resolvers, inside the errors plugin, and prefixes `input` to every path (and to
 * the message when it starts with the first path) of an AppError the resolver throws. Paths that
 * already start at `input` (the global-ID checks, which run before the resolver) stay.
 */
export class InputPathsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>, fieldConfig: PothosOutputFieldConfig<Types>) {
    if (!('input' in fieldConfig.args)) return resolver;
    return async (...args: Parameters<typeof resolver>) => {
      try {
        return await resolver(...args);
      } catch (error) {
        throw error instanceof AppError ? underInput(error) : error;
      }
    };
  }
}

/** The same error (same class and code) with its field paths, and a message naming the first one, under `input`. */
export function underInput<E extends AppError>(error: E): E {
  if (error.fields.length === 0 || error.fields.every((f) => f.path[0] === 'input')) return error;
  const first = error.fields[0].path.join('.');
  const message = first && error.message.startsWith(`${first}:`) ? `input.${error.message}` : error.message;
  const fields = error.fields.map((f) => (f.path[0] === 'input' ? f : { ...f, path: ['input', ...f.path] }));
  return Object.assign(Object.create(Object.getPrototypeOf(error)) as E, error, { message, fields, stack: error.stack });
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputPaths: InputPathsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('inputPaths', InputPathsPlugin);

export default 'inputPaths' as const;
