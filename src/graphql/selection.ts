import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** Fields selected under a set of selection sets, merged across fragments, by field name. */
export type SelectionMap = Map<string, FieldNode[]>;

export function collectFields(
  sets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  into: SelectionMap = new Map(),
): SelectionMap {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === 'Field') {
        const list = into.get(selection.name.value);
        if (list) list.push(selection);
        else into.set(selection.name.value, [selection]);
      } else if (selection.kind === 'InlineFragment') {
        collectFields([selection.selectionSet], fragments, into);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) collectFields([fragment.selectionSet], fragments, into);
      }
    }
  }
  return into;
}

/** The fields selected below `nodes` (which share one name). */
export function childFields(nodes: readonly FieldNode[] | undefined, info: Pick<GraphQLResolveInfo, 'fragments'>): SelectionMap {
  const sets = (nodes ?? []).flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  return collectFields(sets, info.fragments);
}

/** The fields of the current field's result, following `path` (e.g. ['edges', 'node']). */
export function selectedAt(info: GraphQLResolveInfo, path: string[] = []): SelectionMap {
  let current = collectFields(
    info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
    info.fragments,
  );
  for (const name of path) current = childFields(current.get(name), info);
  return current;
}
