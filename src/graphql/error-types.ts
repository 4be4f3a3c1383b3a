import { builder } from './builder.js';
import { BadInputError, ConflictError, NotFoundError, type FieldProblem } from '../core/errors.js';

/** Typed failures that mutation payloads return; readable by whoever may call the mutation. */
const ErrorInterface = builder.interfaceRef<Error & { code: string }>('Error').implement({
  authScopes: { public: true },
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code', { description: 'BAD_INPUT, NOT_FOUND or CONFLICT' }),
  }),
});

const FieldError = builder.objectRef<FieldProblem>('FieldError').implement({
  description: 'One offending input field.',
  authScopes: { public: true },
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the field, e.g. ["input", "email"]' }),
    message: t.exposeString('message'),
  }),
});

for (const [cls, name] of [
  [BadInputError, 'BadInputError'],
  [ConflictError, 'ConflictError'],
] as const) {
  builder.objectType(cls, {
    name,
    interfaces: [ErrorInterface],
    authScopes: { public: true },
    fields: (t) => ({ fields: t.field({ type: [FieldError], resolve: (e) => e.fields }) }),
  });
}

builder.objectType(NotFoundError, { name: 'NotFoundError', interfaces: [ErrorInterface], authScopes: { public: true }, fields: () => ({}) });

/** The failures a mutation reports as typed results: bad input (with field paths), not found, conflict. */
export const MUTATION_ERRORS = [BadInputError, NotFoundError, ConflictError];

/**
 * plugin-errors options for a mutation `name`: `<Name>Payload` is a union of
 * `<Name>Success { <dataField> }` and the typed errors.
 */
export function payload(name: string, dataField: string) {
  return {
    types: MUTATION_ERRORS,
    union: { name: `${name}Payload`, authScopes: { public: true } },
    result: { name: `${name}Success`, authScopes: { public: true } },
    dataField: { name: dataField },
  };
}
