import { and, or, sql, type SQL } from 'drizzle-orm';
import { BadInputError, type FieldProblem } from '../core/errors.js';
import { Params } from './prepared.js';
import { parseBigintId } from './values.js';

/**
 * THE filter compiler: an and/or/not tree over a per-entity field table. Each entity declares what
 * its filterable fields are in SQL (`FilterTable`); the GraphQL layer builds the `<Entity>Filter`
 * input from the same table (graphql/lists.ts), and `compileFilter` turns a value of it into one
 * WHERE condition. Every value goes through `Params`, so the SQL depends only on the filter's shape
 * and a page of one shape can be prepared once.
 */

/** A case-insensitive text match (trigram indexes serve contains and startsWith where a table has them). */
export interface TextFilter {
  equals?: string | null;
  contains?: string | null;
  startsWith?: string | null;
  /** For shims that promise a case-sensitive match (Litecord's username search). */
  containsCaseSensitive?: string | null;
  equalsCaseSensitive?: string | null;
}

export interface DateRange {
  gt?: Date | null;
  gte?: Date | null;
  lt?: Date | null;
  lte?: Date | null;
}

/** A reference to another node, already decoded from its global ID by the GraphQL layer. */
export interface RefValue {
  id?: unknown;
}

/** What one filterable field is, and the SQL it tests. */
export type FilterField =
  /** TextFilter on a text expression. */
  | { kind: 'text'; sql: SQL; description?: string }
  /** true: the condition holds; false: it does not (a null condition counts as false). */
  | { kind: 'flag'; sql: SQL; description?: string }
  /** The expression equals the given string (exactly, or ignoring case). */
  | { kind: 'equals'; sql: SQL; ignoreCase?: boolean; description?: string }
  /** `{ in: [...] }` over a closed set of values (a GraphQL enum named `enumName`). */
  | { kind: 'oneOf'; sql: SQL; enumName: string; values: readonly string[]; description?: string }
  /** DateRange on a timestamp expression. */
  | { kind: 'range'; sql: SQL; description?: string }
  /** The bigint key equals the key of a node of type `node` (its global ID in GraphQL). */
  | { kind: 'ref'; sql: SQL; node: string; description?: string }
  /** Anything else: the entity compiles the value itself (graphql/lists.ts is given its input type). */
  | { kind: 'custom'; compile: (value: never, p: Params, path: string[]) => SQL | undefined; description?: string };

export type FilterTable = Readonly<Record<string, FilterField>>;

type ValueOf<F extends FilterField> = F extends { kind: 'text' }
  ? TextFilter
  : F extends { kind: 'flag' }
    ? boolean
    : F extends { kind: 'equals' }
      ? string
      : F extends { kind: 'oneOf'; values: readonly (infer V)[] }
        ? { in: V[] }
        : F extends { kind: 'range' }
          ? DateRange
          : F extends { kind: 'ref' }
            ? RefValue
            : F extends { compile: (value: infer V, ...rest: never[]) => unknown }
              ? V
              : never;

/** The value of a filter over `T`: each field optional, plus and/or/not. */
export type FilterOf<T extends FilterTable> = { [K in keyof T]?: ValueOf<T[K]> | null } & {
  and?: FilterOf<T>[] | null;
  or?: FilterOf<T>[] | null;
  not?: FilterOf<T> | null;
};

/** Levels of and/or/not a filter may nest (the input limits refuse deeper trees before this runs). */
export const MAX_FILTER_DEPTH = 8;

export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function textCondition(column: SQL, filter: TextFilter, p: Params): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.equals != null) parts.push(sql`lower(${column}) = lower(${p.add(filter.equals)})`);
  if (filter.contains != null) parts.push(sql`${column} ilike ${p.add(`%${escapeLike(filter.contains)}%`)}`);
  if (filter.startsWith != null) parts.push(sql`${column} ilike ${p.add(`${escapeLike(filter.startsWith)}%`)}`);
  if (filter.containsCaseSensitive != null) parts.push(sql`${column} like ${p.add(`%${escapeLike(filter.containsCaseSensitive)}%`)}`);
  if (filter.equalsCaseSensitive != null) parts.push(sql`${column} = ${p.add(filter.equalsCaseSensitive)}`);
  return parts.length ? and(...parts) : undefined;
}

export function rangeCondition(column: SQL, r: DateRange, p: Params): SQL | undefined {
  // Placeholders skip Drizzle's value mapping, so dates travel as ISO text.
  const at = (d: Date) => sql`${p.add(d.toISOString())}::timestamptz`;
  const parts: SQL[] = [];
  if (r.gt) parts.push(sql`${column} > ${at(r.gt)}`);
  if (r.gte) parts.push(sql`${column} >= ${at(r.gte)}`);
  if (r.lt) parts.push(sql`${column} < ${at(r.lt)}`);
  if (r.lte) parts.push(sql`${column} <= ${at(r.lte)}`);
  return parts.length ? and(...parts) : undefined;
}

const problem = (path: string[], message: string): BadInputError => {
  const fields: FieldProblem[] = [{ path, message }];
  return new BadInputError(`${path.join('.')}: ${message}`, fields);
};

/** The bigint key of a decoded reference; BAD_INPUT at `path` when it is not one. */
export function refKey(value: RefValue, node: string, path: string[]): bigint {
  const key = parseBigintId(String(value.id));
  if (key === null) throw problem(path, `not a ${node} ID`);
  return key;
}

function fieldCondition(field: FilterField, value: unknown, p: Params, path: string[]): SQL | undefined {
  switch (field.kind) {
    case 'text':
      return textCondition(field.sql, value as TextFilter, p);
    case 'flag':
      // One statement for true and false: the wanted value is a parameter.
      return sql`coalesce(${field.sql}, false) = ${p.add(value === true)}::boolean`;
    case 'equals':
      return field.ignoreCase ? sql`lower(${field.sql}) = lower(${p.add(value)})` : sql`${field.sql} = ${p.add(value)}`;
    case 'oneOf': {
      const wanted = (value as { in: string[] }).in;
      const unknown = wanted.find((v) => !field.values.includes(v));
      if (unknown !== undefined) throw problem([...path, 'in'], `not one of ${field.values.join(', ')}`);
      // One text parameter whatever the set's size, so the statement's text does not vary with it.
      return sql`${field.sql} = any(string_to_array(${p.add(wanted.join(','))}, ','))`;
    }
    case 'range':
      return rangeCondition(field.sql, value as DateRange, p);
    case 'ref':
      return sql`${field.sql} = ${p.add(refKey(value as RefValue, field.node, path).toString())}::bigint`;
    case 'custom':
      // Each custom field types its own value (FilterOf gives callers that type); here it is opaque.
      return field.compile(value as never, p, path);
  }
}

/**
 * Turns a filter tree into one WHERE condition (undefined: no condition). Every given field must
 * hold; `and`, `or` and `not` combine sub-filters. A key the table does not know is BAD_INPUT.
 */
export function compileFilter<T extends FilterTable>(
  table: T,
  filter: FilterOf<T> | null | undefined,
  p: Params = new Params(),
  path: string[] = ['filter'],
  depth = 0,
): SQL | undefined {
  if (!filter) return undefined;
  if (depth > MAX_FILTER_DEPTH) throw problem(path, `nested too deeply (at most ${MAX_FILTER_DEPTH} levels)`);
  const parts: (SQL | undefined)[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value == null || key === 'and' || key === 'or' || key === 'not') continue;
    const field = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!field) throw problem([...path, key], 'not a filter field');
    parts.push(fieldCondition(field, value, p, [...path, key]));
  }
  const sub = (f: FilterOf<T>, at: string[]) => compileFilter(table, f, p, at, depth + 1) ?? sql`true`;
  if (filter.and?.length) parts.push(and(...filter.and.map((f, i) => sub(f, [...path, 'and', String(i)]))));
  if (filter.or?.length) parts.push(or(...filter.or.map((f, i) => sub(f, [...path, 'or', String(i)]))));
  // `not` is the complement: a row where the condition is unknown (a null column) matches it.
  if (filter.not) parts.push(sql`not coalesce(${sub(filter.not, [...path, 'not'])}, false)`);
  const present = parts.filter((part): part is SQL => part !== undefined);
  return present.length ? and(...present) : undefined;
}
