import type { InputFieldMap, InputObjectRef, InputShapeFromFields } from '@pothos/core';
import { z } from 'zod';
import { builder, type BuilderTypes } from './builder.js';

/** The field builder an input type's `fields` receives. */
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<BuilderTypes, 'InputObject'>;

/**
 * What a resolver receives for a `zodInput` type: the schema's input (so it goes to the action that
 * parses it as is), plus the override fields that are not in the schema (a global ID: `{ typename, id }`).
 */
export type ZodInputShape<S extends z.ZodObject, O extends InputFieldMap> = z.input<S> & InputShapeFromFields<Omit<O, keyof z.input<S>>>;

export interface ZodInputOptions<O extends InputFieldMap> {
  description?: string;
  /** Fields zod cannot say (ID, JSON, DateTime, enums) or extra ones (the `id` of an update); they win over the schema's. */
  fields?: (t: InputFieldBuilder) => O;
}

type Scalar = 'String' | 'Int' | 'Float' | 'Boolean';

/** A zod field without its wrappers: whether GraphQL must require it, its description, the type underneath. */
export function unwrapZod(type: z.ZodType): { required: boolean; description?: string; inner: z.ZodType } {
  let required = true;
  let description: string | undefined;
  let inner = type;
  for (;;) {
    description ??= inner.description;
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) {
      required = false;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodPipe) {
      inner = inner.in as z.ZodType;
    } else if (inner instanceof z.ZodReadonly) {
      inner = inner.unwrap() as z.ZodType;
    } else {
      return { required, description, inner };
    }
  }
}

/** The GraphQL scalar of a zod scalar: string, integer, other number, boolean; null for anything else. */
export function scalarOf(type: z.ZodType): Scalar | null {
  const { inner } = unwrapZod(type);
  if (inner instanceof z.ZodNumber) return inner.isInt ? 'Int' : 'Float';
  switch (inner._zod.def.type) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    default:
      return null;
  }
}

function zodField(t: InputFieldBuilder, where: string, type: z.ZodType) {
  const { required, description, inner } = unwrapZod(type);
  const list = inner instanceof z.ZodArray;
  const scalar = scalarOf(list ? (inner.element as z.ZodType) : inner);
  if (!scalar) throw new Error(`${where}: no GraphQL type for zod ${inner._zod.def.type}; give the field in zodInput's fields`);
  const options = { required, description };
  if (list) {
    if (scalar === 'String') return t.stringList(options);
    if (scalar === 'Int') return t.intList(options);
    if (scalar === 'Float') return t.floatList(options);
    return t.booleanList(options);
  }
  if (scalar === 'String') return t.string(options);
  if (scalar === 'Int') return t.int(options);
  if (scalar === 'Float') return t.float(options);
  return t.boolean(options);
}

/**
 * One declaration per input: a GraphQL input type built from the zod object its action parses.
 * z.string → String, z.number().int() → Int, other numbers → Float, z.boolean → Boolean, z.array(x) → [x!];
 * optional, nullable, nullish or default → not required, else required; descriptions from `.describe()`
 * or `.meta({ description })`. Anything else must be given in `fields`, which also adds fields the
 * schema does not hold (the `id` an update acts on).
 */
export function zodInput<S extends z.ZodObject, O extends InputFieldMap = Record<never, never>>(
  name: string,
  schema: S,
  options: ZodInputOptions<O> = {},
): InputObjectRef<BuilderTypes, ZodInputShape<S, O>> {
  const ref = builder.inputType(name, {
    description: options.description,
    fields: (t) => {
      const overrides: InputFieldMap = options.fields?.(t) ?? {};
      const fields: InputFieldMap = {};
      for (const [key, type] of Object.entries(schema.shape as Record<string, z.ZodType>)) fields[key] = overrides[key] ?? zodField(t, `${name}.${key}`, type);
      return { ...fields, ...overrides };
    },
  });
  // Built field by field at run time, so Pothos infers only "some fields"; by construction the shape is
  // the schema's input (plus the overrides), which is what the resolver and the action see.
  return ref as unknown as InputObjectRef<BuilderTypes, ZodInputShape<S, O>>;
}
