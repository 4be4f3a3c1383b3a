import { type FieldNode, getArgumentValues, getNamedType, type GraphQLResolveInfo, isObjectType } from 'graphql';
import type { Connection, CountStrategy, ListCount, ListSource, ListWants } from '../db/connection.js';
import { MAX_OFFSET } from '../db/connection.js';
import { COUNT_CAP, COUNT_STRATEGIES } from '../db/list-count.js';
import type { FilterOf, FilterTable } from '../db/filter.js';
import { builder } from './builder.js';
import { childFields, selectedAt } from './selection.js';

/**
 * The GraphQL side of the connection engine (db/connection.ts): a list's `<Entity>Filter` input and
 * `<Entity>OrderBy` enum are built from the same tables its queries compile, so a filter field is
 * declared once; `listWants` says what of a connection a request selected.
 */

/** An input type or node type ref of any shape (the filter's fields are assembled at run time). */
type AnyRef = object;

export const TextFilterInput = builder.inputType('TextFilter', {
  description: 'Case-insensitive unless named otherwise; on users, contains and startsWith of username, email and displayName use trigram indexes.',
  fields: (t) => ({
    equals: t.string(),
    contains: t.string(),
    startsWith: t.string(),
    containsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive substring match' }),
    equalsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive exact match' }),
  }),
});

export const DateTimeRangeInput = builder.inputType('DateTimeRange', {
  fields: (t) => ({
    gt: t.field({ type: 'DateTime' }),
    gte: t.field({ type: 'DateTime' }),
    lt: t.field({ type: 'DateTime' }),
    lte: t.field({ type: 'DateTime' }),
  }),
});

const oneOfInputs = new Map<string, AnyRef>();

/** `<Enum>Filter { in: [<Enum>!]! }`, made once per enum. */
function oneOfInput(enumName: string, enumRef: unknown): AnyRef {
  let ref = oneOfInputs.get(enumName);
  if (!ref) {
    ref = builder.inputRef(`${enumName}Filter`).implement({
      // The enum's ref comes from the module that declares it, typed only as a value here.
      fields: (t) => ({ in: t.field({ type: [enumRef as never], required: true }) }),
    });
    oneOfInputs.set(enumName, ref);
  }
  return ref;
}

export interface FilterInputOptions<T extends FilterTable> {
  description?: string;
  /** The GraphQL enum of each `oneOf` field's enumName. */
  enums?: Record<string, unknown>;
  /** The node type of each `ref` field's node (its global ID is the field's value). */
  nodes?: Record<string, AnyRef>;
  /** The input type of each `custom` field: an input ref, or a scalar's name. */
  inputs?: { [K in keyof T as T[K] extends { kind: 'custom' } ? K : never]: AnyRef | 'String' | 'ID' | 'DateTime' };
}

/**
 * `<name>` (e.g. UserFilter): one input field per entry of `table`, plus and/or/not. Global IDs in
 * `ref` fields are decoded by plugin-relay (`globalID` with `for`), so a wrong type is refused before
 * any resolver runs.
 */
export function filterInput<T extends FilterTable>(name: string, table: T, opts: FilterInputOptions<T> = {}) {
  const ref = builder.inputRef<FilterOf<T>>(name);
  ref.implement({
    description: opts.description ?? 'A filter tree: every given condition must hold; and/or/not combine sub-filters.',
    // The fields follow the table, so their types are known only at run time: the refs are cast to
    // `never` here, and FilterOf<T> types the value the resolvers receive.
    fields: (t) => {
      const fields: Record<string, unknown> = {
        and: t.field({ type: [ref] }),
        or: t.field({ type: [ref] }),
        not: t.field({ type: ref }),
      };
      for (const [key, field] of Object.entries(table)) {
        const description = field.description;
        switch (field.kind) {
          case 'text':
            fields[key] = t.field({ type: TextFilterInput, description });
            break;
          case 'flag':
            fields[key] = t.boolean({ description });
            break;
          case 'equals':
            fields[key] = t.string({ description });
            break;
          case 'oneOf':
            fields[key] = t.field({ type: oneOfInput(field.enumName, opts.enums?.[field.enumName]) as never, description });
            break;
          case 'range':
            fields[key] = t.field({ type: DateTimeRangeInput, description });
            break;
          case 'ref':
            fields[key] = t.globalID({ for: opts.nodes?.[field.node] as never, description });
            break;
          case 'custom': {
            const input = (opts.inputs as Record<string, AnyRef | string> | undefined)?.[key];
            if (!input) throw new Error(`${name}.${key}: no input type given for a custom filter field`);
            fields[key] = t.field({ type: input as never, description });
            break;
          }
        }
      }
      return fields as never;
    },
  });
  return ref;
}

/** `<name>` (e.g. UserOrderBy): the orders a list offers. */
export function orderByEnum<O extends string>(name: string, source: ListSource<FilterTable, O>) {
  return builder.enumType(name, { values: Object.keys(source.orders) as [O, ...O[]] });
}

export const CountStrategyEnum = builder.enumType('CountStrategy', {
  description: 'How a connection counts the nodes its filter selects',
  values: {
    EXACT: { description: 'Every match counted (what totalCount answers)' },
    CAPPED: { description: `Exact up to ${COUNT_CAP.toLocaleString('en')}; beyond it, exact is false and value is the cap ("more than")` },
    ESTIMATE: { description: "PostgreSQL's planner estimate (reads statistics, no rows); exact is false" },
  } satisfies Record<CountStrategy, unknown>,
});

export const ListCountRef = builder.objectRef<ListCount>('ListCount').implement({
  description:
    'A count of a connection. A list that keeps a count for the filter (users: none, or only status conditions) answers it exactly whatever the strategy.',
  // Read only through a connection, which its own field guards.
  authScopes: { authenticated: true },
  fields: (t) => ({
    value: t.exposeInt('value', { description: 'The count; with exact false: more than this (CAPPED) or about this (ESTIMATE)' }),
    exact: t.exposeBoolean('exact'),
  }),
});

/** The connection field `count(strategy:)`: add it to a connection whose resolver passes `listWants(info)` to findPage. */
export const countField = (t: PothosSchemaTypes.ObjectFieldBuilder<(typeof builder)['$inferSchemaTypes'], Connection<unknown>>) =>
  t.field({
    type: ListCountRef,
    description: 'The nodes the filter selects (every page), counted as `strategy` says',
    args: { strategy: t.arg({ type: CountStrategyEnum, required: true, defaultValue: 'EXACT' }) },
    resolve: (c, args) => {
      const count = c.counts[args.strategy];
      if (!count) throw new Error(`count(${args.strategy}) was not computed`);
      return count;
    },
  });

/** The strategies of the `count` fields selected on the current connection field (aliases included). */
function countsSelected(info: GraphQLResolveInfo, nodes: readonly FieldNode[] | undefined): CountStrategy[] {
  const type = getNamedType(info.returnType);
  const field = nodes?.length && isObjectType(type) ? type.getFields().count : undefined;
  if (!field || !nodes) return [];
  const found = new Set<CountStrategy>();
  for (const node of nodes) {
    const strategy = getArgumentValues(field, node, info.variableValues).strategy;
    if ((COUNT_STRATEGIES as readonly unknown[]).includes(strategy)) found.add(strategy as CountStrategy);
  }
  return [...found];
}

/** What of a connection the current field's selection reads beyond its nodes. */
export function listWants(info: GraphQLResolveInfo): ListWants {
  const top = selectedAt(info);
  const pageInfo = childFields(top.get('pageInfo'), info);
  const counts = countsSelected(info, top.get('count'));
  return {
    totalCount: top.has('totalCount'),
    cursors: childFields(top.get('edges'), info).has('cursor') || pageInfo.has('startCursor') || pageInfo.has('endCursor'),
    ...(counts.length ? { counts } : {}),
  };
}

/** The `offset` argument of a list that legacy numbered pages read. */
export const OFFSET_DESCRIPTION = `For legacy numbered pages only (at most ${MAX_OFFSET}); prefer cursors`;
