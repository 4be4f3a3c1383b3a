import {
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLInputObjectType,
  GraphQLList,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';

/**
 * Caps on what one operation's inputs may ask for, counted before graphql-js coerces variables or
 * a resolver compiles SQL (graphql-armor sees only the document, never the variables):
 * - `terms`: sub-filters of one filter tree (the entries of its and/or lists and its nots);
 * - `depth`: how deeply filters nest;
 * - `list`: items of any one list inside a filter (`id.in`, `tags.any` …); `anyList` elsewhere (mutations
 *   keep their own, lower batch limits and report them as typed errors);
 * - `nesting`: any input value's depth, so nothing after this check can recurse without bound.
 */
export const INPUT_LIMITS = { terms: 50, depth: 8, list: 1000, anyList: 10_000, nesting: 32 };

/** A filter type is an input object that combines itself through and/or/not. */
const isFilterType = (type: GraphQLInputObjectType) => {
  const fields = type.getFields();
  return 'and' in fields || 'or' in fields || 'not' in fields;
};

export class InputLimitError extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(`${path.join('.')}: ${message}`);
  }
}

interface Tree {
  terms: number;
}

/** Where a value came from: a literal of the document (a ValueNode), or JSON from the variables. */
type Value = { literal: ValueNode } | { json: unknown };

/** One value checked against its input type. */
function check(
  at: Value,
  type: GraphQLInputType,
  path: string[],
  variables: Record<string, unknown>,
  tree: Tree | null,
  filterDepth: number,
  nesting: number,
): void {
  if (nesting > INPUT_LIMITS.nesting) throw new InputLimitError(path, `nested more than ${INPUT_LIMITS.nesting} levels`);
  if ('literal' in at && at.literal.kind === Kind.VARIABLE) {
    check({ json: variables[at.literal.name.value] }, type, path, variables, tree, filterDepth, nesting);
    return;
  }
  const nullable = getNullableType(type);
  if (nullable instanceof GraphQLList) {
    const items: Value[] =
      'literal' in at
        ? at.literal.kind === Kind.LIST
          ? at.literal.values.map((literal) => ({ literal }))
          : [at]
        : Array.isArray(at.json)
          ? at.json.map((json) => ({ json }))
          : [at];
    const max = tree || filterDepth > 0 ? INPUT_LIMITS.list : INPUT_LIMITS.anyList;
    if (items.length > max) throw new InputLimitError(path, `at most ${max} items (got ${items.length})`);
    for (const [i, item] of items.entries()) check(item, nullable.ofType, [...path, String(i)], variables, tree, filterDepth, nesting + 1);
    return;
  }
  if (!(nullable instanceof GraphQLInputObjectType)) return;
  const fields: [string, Value][] =
    'literal' in at
      ? at.literal.kind === Kind.OBJECT
        ? at.literal.fields.map((f) => [f.name.value, { literal: f.value }])
        : []
      : at.json && typeof at.json === 'object' && !Array.isArray(at.json)
        ? Object.entries(at.json).map(([k, json]) => [k, { json }])
        : [];
  let here = tree;
  let depth = filterDepth;
  if (isFilterType(nullable)) {
    here = tree ?? { terms: 0 };
    depth += 1;
    if (depth > INPUT_LIMITS.depth) throw new InputLimitError(path, `filters nest at most ${INPUT_LIMITS.depth} levels deep`);
    if (tree) {
      tree.terms += 1;
      if (tree.terms > INPUT_LIMITS.terms) throw new InputLimitError(path, `a filter has at most ${INPUT_LIMITS.terms} terms`);
    }
  } else if (tree) {
    here = null;
  }
  const known = nullable.getFields();
  for (const [name, child] of fields) {
    const field = known[name];
    // Unknown fields are for validation and coercion to refuse.
    if (field) check(child, field.type, [...path, name], variables, here, depth, nesting + 1);
  }
}

/**
 * Throws InputLimitError when the operation's arguments (inline or through variables) or any
 * declared variable (used or not) exceed INPUT_LIMITS.
 */
export function checkInputLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): void {
  const values = variables ?? {};
  const operation = getOperationAST(document, operationName);
  for (const definition of operation?.variableDefinitions ?? []) {
    // typeFromAST's overloads take each TypeNode kind apart; a variable's type is any of them.
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    const name = definition.variable.name.value;
    if (type && name in values) check({ json: values[name] }, type, [`$${name}`], values, null, 0, 0);
  }
  for (const { literal, type, path } of literalArguments(schema, document)) check({ literal }, type, path, values, null, 0, 0);
}

interface LiteralArgument {
  literal: ValueNode;
  type: GraphQLInputType;
  path: string[];
}

/** Per schema and document (yoga's parse cache hands out the same DocumentNode for the same text). */
const argumentsOf = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, LiteralArgument[]>>();

/** The arguments written inline in a document, with their input types: found once per document, checked per request. */
function literalArguments(schema: GraphQLSchema, document: DocumentNode): LiteralArgument[] {
  let byDocument = argumentsOf.get(schema);
  if (!byDocument) {
    byDocument = new WeakMap();
    argumentsOf.set(schema, byDocument);
  }
  const known = byDocument.get(document);
  if (known) return known;
  const found: LiteralArgument[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const type = typeInfo.getInputType();
        const field = typeInfo.getFieldDef();
        if (type && getNamedType(type) && node.value.kind !== Kind.VARIABLE)
          found.push({ literal: node.value, type, path: [field?.name ?? '?', node.name.value] });
        return false;
      },
    }),
  );
  byDocument.set(document, found);
  return found;
}
