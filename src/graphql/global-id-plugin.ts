import SchemaBuilder, {
  BasePlugin,
  type InputFieldMapping,
  type InputFieldsMapping,
  type InputTypeFieldsMapping,
  mapInputFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { BadInputError } from '../core/errors.js';

/** What plugin-relay records on a `t.globalID({ for })` input: the accepted node types and their id parsers. */
type Target = { typename: string; parseId?: (id: string, ctx: object) => unknown };

/**
 * plugin-relay decodes `t.arg.globalID({ for })` / `t.globalID({ for })` inputs in an arg mapper,
 * before any resolver runs, and refuses a wrong or malformed ID with a PothosValidationError that
 * names neither the argument nor a code. This plugin checks the same inputs one step earlier, in an
 * arg mapper of its own that runs first, and refuses the first bad one as BAD_INPUT at its path
 * (`input.id`, `input.ids.2`, `userId`), as `decodeId` did in resolvers. Mutations with a payload
 * union return it as their BadInputError (errors.unsafelyHandleInputErrors in builder.ts).
 */
export class GlobalIdPathsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly mappingCache = new Map<string, InputTypeFieldsMapping<Types, Target[]>>();

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const mappings = mapInputFields(
      fieldConfig.args,
      this.buildCache,
      (field) => {
        const extensions = field.extensions as { isRelayGlobalID?: boolean; relayGlobalIDFor?: Target[] | null } | undefined;
        return extensions?.isRelayGlobalID && extensions.relayGlobalIDFor?.length ? extensions.relayGlobalIDFor : null;
      },
      this.mappingCache,
    );
    if (!mappings) return fieldConfig;
    return {
      ...fieldConfig,
      argMappers: [
        (args, ctx) => {
          checkFields(args, mappings, [], ctx);
          return args;
        },
        ...fieldConfig.argMappers,
      ],
    };
  }
}

/** Whether `value` is a global ID of one of `targets` whose key its parser accepts. */
export function isGlobalIdOf(value: unknown, targets: readonly Target[], ctx: object = {}): boolean {
  if (typeof value !== 'string') return false;
  try {
    const decoded = decodeGlobalID(value);
    const target = targets.find((t) => t.typename === decoded.typename);
    if (!target) return false;
    target.parseId?.(decoded.id, ctx);
    return true;
  } catch {
    return false;
  }
}

function checkFields<Types extends SchemaTypes>(obj: object, map: InputFieldsMapping<Types, Target[]>, path: string[], ctx: object) {
  for (const [name, field] of map) {
    const value = (obj as Record<string, unknown>)[name];
    if (value !== null && value !== undefined) eachItem(value, field.listDepth, [...path, name], (item, at) => checkValue(item, field, at, ctx));
  }
}

function checkValue<Types extends SchemaTypes>(value: unknown, field: InputFieldMapping<Types, Target[]>, path: string[], ctx: object) {
  if (field.kind === 'InputObject' && field.fields.map) {
    if (typeof value === 'object' && value !== null) checkFields(value, field.fields.map, path, ctx);
    return;
  }
  if (field.value && !isGlobalIdOf(value, field.value, ctx)) {
    const names = field.value.map((t) => t.typename).join(' or ');
    throw new BadInputError(`${path.join('.')}: not a ${names} ID`, [{ path, message: `not a ${names} ID` }]);
  }
}

function eachItem(value: unknown, depth: number, path: string[], visit: (item: unknown, path: string[]) => void) {
  if (depth === 0) return visit(value, path);
  if (!Array.isArray(value)) return;
  value.forEach((item, i) => {
    if (item !== null && item !== undefined) eachItem(item, depth - 1, [...path, String(i)], visit);
  });
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      globalIdPaths: GlobalIdPathsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('globalIdPaths', GlobalIdPathsPlugin);

export default 'globalIdPaths' as const;
