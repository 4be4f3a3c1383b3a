import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';

import { type InputFieldBuilder, zodInput } from '../../graphql/inputs.js';
import { omitNulls } from '../../core/objects.js';
import { CLIENT_TYPES, createApplicationSchema, GRANTS, updateApplicationSchema } from './validation.js';
import { bigintKey } from '../../graphql/ids.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import {
  createApplication,
  createApplications,
  deleteApplication,
  MAX_APPLICATIONS,
  rotateApplicationSecret,
  updateApplication,
  type WithSecret,
} from './actions.js';
import { APPLICATION_ROLES, applicationFilterTable, applicationList, findApplicationPage, findApplicationsByIds, type ApplicationRow } from './queries.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';

const GrantEnum = builder.enumType('ApplicationGrant', { values: GRANTS });
const RoleEnum = builder.enumType('ApplicationRole', {
  values: APPLICATION_ROLES,
  description: 'INTERNAL may hold any scope and signs in without consent; EXTERNAL only :read scopes, and users are asked to consent',
});
const ClientTypeEnum = builder.enumType('ApplicationClientType', {
  values: CLIENT_TYPES,
  description: 'CONFIDENTIAL clients authenticate with their secret; PUBLIC ones (browser apps) have none and must use PKCE (S256)',
});

export const ApplicationRef = builder.node(builder.objectRef<ApplicationRow>('Application'), {
  description: 'An OAuth client. Its secret is never readable: it is shown once, at creation or rotation.',
  authScopes: { scope: 'admin:applications:read' },
  id: { resolve: (a) => a.id.toString(), parse: bigintKey('Application') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'clientId' in value && 'redirectUris' in value,
  loadMany: async (keys, ctx) => {
    const found = new Map((await findApplicationsByIds(ctx.database.db, keys)).map((a) => [a.id, a]));
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who created it (the users of a page load in one statement)',
      resolve: (a, _args, ctx) => loadUser(ctx, a.createdBy),
    }),
    clientId: t.exposeString('clientId'),
    displayName: t.exposeString('displayName'),
    grants: t.field({ type: [GrantEnum], resolve: (a) => a.grants as (typeof GRANTS)[number][] }),
    redirectUris: t.exposeStringList('redirectUris'),
    role: t.field({ type: RoleEnum, resolve: (a) => a.role }),
    clientType: t.field({ type: ClientTypeEnum, resolve: (a) => a.clientType }),
    scopes: t.exposeStringList('scopes'),
    oauthScopes: t.exposeStringList('oauthScopes', { description: 'OAuth scopes its tokens may carry (they only narrow a token)' }),
    legacyTokens: t.exposeBoolean('legacyTokens', {
      description: 'Password-grant tokens live as long as their session (LEGACY_TOKEN_TTL): clients registered by POST /api/v1/apps',
    }),
    rotatedAt: t.field({ type: 'DateTime', description: 'When the current secret was made', resolve: (a) => a.secretRotatedAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => a.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (a) => a.updatedAt }),
  }),
});

const WithSecretRef = builder.objectRef<WithSecret>('ApplicationWithSecret').implement({
  description: 'The application and its new secret: store the secret now, it is never shown again.',
  authScopes: { public: true },
  fields: (t) => ({
    application: t.field({ type: ApplicationRef, resolve: (r) => r.application }),
    clientSecret: t.exposeString('clientSecret', { nullable: true, description: 'Null for a PUBLIC client, which has no secret' }),
  }),
});

const ApplicationFilter = filterInput('ApplicationFilter', applicationFilterTable, {
  enums: { ApplicationRole: RoleEnum },
  nodes: { User: UserRef },
  inputs: { grant: 'String' },
});
const ApplicationOrderEnum = orderByEnum('ApplicationOrderBy', applicationList);

builder.queryField('applications', (t) =>
  t.connection(
    {
      type: ApplicationRef,
      description: 'Oldest first unless ordered otherwise.',
      authScopes: { scope: 'admin:applications:read' },
      args: {
        filter: t.arg({ type: ApplicationFilter }),
        orderBy: t.arg({ type: ApplicationOrderEnum, defaultValue: 'ID_ASC' }),
      },
      resolve: (_root, args, ctx, info) => findApplicationPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'ApplicationConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Applications matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'ApplicationEdge' },
  ),
);

/** The fields zod cannot type: the enums (required on create, omitted means unchanged on update). */
const enumFields = (t: InputFieldBuilder, required: boolean) => ({
  grants: t.field({ type: [GrantEnum], required }),
  role: t.field({ type: RoleEnum, required }),
});

const CreateApplicationInput = zodInput('CreateApplicationInput', createApplicationSchema, {
  fields: (t) => ({ ...enumFields(t, true), clientType: t.field({ type: ClientTypeEnum, required: false, description: 'Default CONFIDENTIAL' }) }),
});
const CreateApplicationsInput = builder.inputType('CreateApplicationsInput', {
  fields: (t) => ({
    applications: t.field({ type: [CreateApplicationInput], required: true, description: `1 to ${MAX_APPLICATIONS} applications; all or nothing` }),
  }),
});
const CreateApplicationsResult = builder.objectRef<WithSecret[]>('CreateApplicationsResult').implement({
  description: 'The applications created, each with its secret: store them now, they are never shown again.',
  authScopes: { public: true },
  fields: (t) => ({
    createdCount: t.int({ resolve: (r) => r.length }),
    applications: t.field({ type: [WithSecretRef], description: 'In the order of the input', resolve: (r) => r }),
  }),
});
const UpdateApplicationInput = zodInput('UpdateApplicationInput', updateApplicationSchema, {
  fields: (t) => ({ id: t.globalID({ for: ApplicationRef, required: true }), ...enumFields(t, false) }),
});
const ApplicationIdInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ id: t.globalID({ for: ApplicationRef, required: true }), reason: t.string() }) });

builder.mutationFields((t) => ({
  createApplication: t.field({
    type: WithSecretRef,
    authScopes: { scope: 'admin:applications:write' },
    errors: payload('CreateApplication', 'result'),
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: (_root, { input }, ctx) => createApplication(actionContext(ctx), input),
  }),
  createApplications: t.field({
    type: CreateApplicationsResult,
    description: `Creates up to ${MAX_APPLICATIONS} applications in one transaction, all or nothing; errors name each bad item (input.applications.<n>.<field>).`,
    authScopes: { scope: 'admin:applications:write' },
    errors: payload('CreateApplications', 'result'),
    args: { input: t.arg({ type: CreateApplicationsInput, required: true }) },
    resolve: (_root, { input }, ctx) => createApplications(actionContext(ctx), input.applications),
  }),
  updateApplication: t.field({
    type: ApplicationRef,
    authScopes: { scope: 'admin:applications:write' },
    errors: payload('UpdateApplication', 'application'),
    args: { input: t.arg({ type: UpdateApplicationInput, required: true }) },
    resolve: (_root, { input: { id, ...changes } }, ctx) =>
      // null (as GraphQL allows) leaves a field unchanged, as omitting it does.
      updateApplication(actionContext(ctx), id.id, omitNulls(changes)),
  }),
  rotateApplicationSecret: t.field({
    type: WithSecretRef,
    description: 'A new secret, shown once; the old one stops working at once.',
    authScopes: { scope: 'admin:applications:write' },
    errors: payload('RotateApplicationSecret', 'result'),
    args: { input: t.arg({ type: ApplicationIdInput('RotateApplicationSecretInput'), required: true }) },
    resolve: (_root, { input }, ctx) => rotateApplicationSecret(actionContext(ctx), input.id.id),
  }),
  deleteApplication: t.field({
    type: ApplicationRef,
    authScopes: { scope: 'admin:applications:write' },
    errors: payload('DeleteApplication', 'application'),
    args: { input: t.arg({ type: ApplicationIdInput('DeleteApplicationInput'), required: true }) },
    resolve: (_root, { input }, ctx) => deleteApplication(actionContext(ctx), input.id.id, input.reason ?? null),
  }),
}));
