import { readFileSync } from 'node:fs';
import { getNamedType, isInterfaceType, isObjectType, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/graphql/print.js';
import { schema } from '../../src/graphql/schema.js';

/** Root fields anyone may call without a token. */
/** Secrets the gateway generates and hands over exactly once, in the payload that created them. */
const SHOWN_ONCE = new Set<string>(['ApplicationWithSecret.clientSecret']);

const PUBLIC_ROOT_FIELDS = new Set([
  'Query.pronounsProfile',
  'Mutation.login',
  'Mutation.refreshToken',
  'Mutation.logout',
  'Mutation.registerWithInvite',
  'Mutation.resetPassword',
  // Liquid serves its scope tree (GET /user/scopes) to anyone.
  'Query.liquidScopeTree',
]);

const rule = (thing: { extensions?: { pothosOptions?: { authScopes?: unknown } } | null }) =>
  (thing.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions?.authScopes;

describe('schema', () => {
  it('schema.graphql is the printed schema (run npm run schema:print)', () => {
    expect(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8')).toBe(printedSchema());
  });

  it('fails closed: every field has an auth rule, its own or its type’s', () => {
    const missing: string[] = [];
    const publicRoot: string[] = [];
    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      const root = ['Query', 'Mutation', 'Subscription'].includes(type.name);
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        const name = `${type.name}.${field.name}`;
        const own = rule(field);
        if (root) {
          if (!own) missing.push(name);
          else if ((own as { public?: boolean }).public) publicRoot.push(name);
        } else if (!own && !rule(type)) {
          missing.push(name);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(publicRoot.sort()).toEqual([...PUBLIC_ROOT_FIELDS].sort());
  });

  it('no field exposes a secret', () => {
    const offenders: string[] = [];
    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      // Mutation names (resetPassword) are verbs, not data.
      if (!(isObjectType(type) || isInterfaceType(type)) || type.name === 'Mutation') continue;
      for (const field of Object.values(type.getFields())) {
        if (/password|secret|refreshTokenHash|snapshot/i.test(field.name) && !SHOWN_ONCE.has(`${type.name}.${field.name}`))
          offenders.push(`${type.name}.${field.name}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('mutations take one input (login excepted) and return <Name>Payload', () => {
    const mutation = schema.getMutationType()!;
    for (const field of Object.values(mutation.getFields())) {
      expect(getNamedType(field.type).name, field.name).toBe(`${field.name[0].toUpperCase()}${field.name.slice(1)}Payload`);
      if (field.name === 'login') continue;
      expect(
        field.args.map((a) => a.name),
        field.name,
      ).toEqual(['input']);
    }
  });
});
