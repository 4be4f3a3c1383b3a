import { execute, type GraphQLInputObjectType, parse, printType } from 'graphql';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import '../../src/graphql/schema.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../src/graphql/builder.js';
import { scalarOf, unwrapZod, zodInput } from '../../src/graphql/inputs.js';
import { schema } from '../../src/graphql/schema.js';
import { UserRef } from '../../src/modules/users/schema.js';

/** A zod object with one field of each kind zodInput maps, and the overrides it cannot. */
const probeSchema = z.object({
  name: z.string().min(1).describe('A name'),
  nickname: z.string().max(10).nullish(),
  count: z.number().int().min(0),
  ratio: z.number().optional(),
  on: z.boolean().default(true),
  tags: z.array(z.string().min(1)).max(3),
  scores: z.array(z.number().int()).nullable(),
  note: z.string().meta({ description: 'From meta' }).optional(),
  trimmed: z
    .string()
    .transform((s) => s.trim())
    .describe('Through a pipe'),
  email: z.email(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

const ProbeInput = zodInput('ZodInputProbe', probeSchema, {
  description: 'A probe',
  fields: (t) => ({ data: t.field({ type: 'JSON' }), id: t.globalID({ for: UserRef, required: true }) }),
});

let received: unknown;
builder.queryField('zodInputProbe', (t) =>
  t.boolean({
    authScopes: { public: true },
    args: { input: t.arg({ type: ProbeInput, required: true }) },
    resolve: (_root, { input }) => {
      // The resolver's input is the schema's input plus the override that is not in it (the global ID).
      expectTypeOf(input).toMatchTypeOf<z.input<typeof probeSchema>>();
      expectTypeOf(input.id.id).toEqualTypeOf<bigint>();
      received = input;
      return true;
    },
  }),
);
const probeSchemaBuilt = builder.toSchema();

describe('zodInput', () => {
  it('maps zod fields to GraphQL types, required unless optional/nullish/nullable/default, with descriptions', () => {
    const type = probeSchemaBuilt.getType('ZodInputProbe') as GraphQLInputObjectType;
    expect(type.description).toBe('A probe');
    const fields = Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, [String(f.type), f.description ?? null]]));
    expect(fields).toEqual({
      name: ['String!', 'A name'],
      nickname: ['String', null],
      count: ['Int!', null],
      ratio: ['Float', null],
      on: ['Boolean', null],
      tags: ['[String!]!', null],
      scores: ['[Int!]', null],
      note: ['String', 'From meta'],
      trimmed: ['String!', 'Through a pipe'],
      email: ['String!', null],
      data: ['JSON', null],
      id: ['ID!', null],
    });
  });

  it('hands the resolver the input as given, with the global ID override decoded to its key', async () => {
    const input = { name: 'n', count: 1, tags: ['a'], trimmed: ' x ', email: 'a@example.org', data: { k: 1 }, id: encodeGlobalID('User', '42') };
    const result = await execute({
      schema: probeSchemaBuilt,
      document: parse('query($input: ZodInputProbe!) { zodInputProbe(input: $input) }'),
      variableValues: { input },
      contextValue: { viewer: null },
    });
    expect(result.errors).toBeUndefined();
    expect(received).toMatchObject({ ...input, id: { typename: 'User', id: 42n } });
  });

  it('unwraps optional, nullable, default and pipes; reads descriptions from the outside in', () => {
    expect(unwrapZod(z.string().describe('inner').nullish())).toMatchObject({ required: false, description: 'inner' });
    expect(unwrapZod(z.string().nullish().describe('outer'))).toMatchObject({ required: false, description: 'outer' });
    expect(unwrapZod(z.number().default(1)).required).toBe(false);
    expect(unwrapZod(z.string().refine(() => true)).required).toBe(true);
    expect([z.string(), z.email(), z.number().int(), z.number(), z.boolean(), z.date(), z.enum(['A'])].map((t) => scalarOf(t))).toEqual([
      'String',
      'String',
      'Int',
      'Float',
      'Boolean',
      null,
      null,
    ]);
  });

  it('the module inputs print as before (CreateUserInput, UpdateUserInput)', () => {
    const printed = printType(schema.getType('UpdateUserInput') as GraphQLInputObjectType);
    expect(printed).toContain('Omitted fields stay; null clears a field that may be empty.');
    expect(printed).toContain('  id: ID!');
    expect(printed).toContain('  giveRoles: [String!]');
    expect(printed).toContain('  flags: Int');
    expect(printed).toContain('  customData: JSON');
    expect(printType(schema.getType('CreateUserInput') as GraphQLInputObjectType)).toContain('  username: String!');
  });

  it('refuses a zod type it cannot map unless fields gives it', () => {
    expect(() => zodInput('ZodInputRefused', z.object({ when: z.date() }))).toThrow(/ZodInputRefused\.when: no GraphQL type for zod date/);
    expect(() => zodInput('ZodInputGiven', z.object({ when: z.date() }), { fields: (t) => ({ when: t.field({ type: 'DateTime' }) }) })).not.toThrow();
  });
});
