import { omitNulls } from '../../core/objects.js';
import { batched } from '../../db/batch.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { bigintKey } from '../../graphql/ids.js';
import { zodInput } from '../../graphql/inputs.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { AuditEventRef } from '../audit/schema.js';
import { findAuditEventsBySeqs } from '../audit/queries.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import { createWebhookEndpoint, deleteWebhookEndpoint, type EndpointWithSecret, rotateWebhookSecret, updateWebhookEndpoint } from './actions.js';
import { webhookEnvOf } from './env.js';
import {
  DELIVERY_STATUSES,
  deliveryFilterTable,
  deliveryList,
  endpointFilterTable,
  endpointList,
  findDeliveriesByIds,
  findDeliveryPage,
  findEndpointPage,
  findEndpointsByIds,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './queries.js';
import { createWebhookSchema, updateWebhookSchema } from './validation.js';

const READ = { scope: 'admin:webhooks:read' } as const;
const WRITE = { scope: 'admin:webhooks:write' } as const;

const StatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: DELIVERY_STATUSES,
  description: 'PENDING: queued or waiting for a retry; SUCCEEDED: the endpoint answered 2xx; FAILED: out of attempts, or the endpoint was disabled',
});

export const WebhookEndpointRef = builder.node(builder.objectRef<WebhookEndpointRow>('WebhookEndpoint'), {
  description: 'Where audit events are delivered, signed (Standard Webhooks). Its secret is never readable: it is shown once, at creation or rotation.',
  authScopes: READ,
  id: { resolve: (e) => e.id.toString(), parse: bigintKey('WebhookEndpoint') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'events' in value && 'consecutiveFailures' in value,
  loadMany: async (keys, ctx) => {
    const found = await findEndpointsByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description'),
    events: t.exposeStringList('events', { description: 'Audit actions delivered: user.create, user.* (every action under user) or *' }),
    enabled: t.exposeBoolean('enabled'),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failed attempts since the last success; 20 disable the endpoint' }),
    disabledAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.disabledAt }),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    rotatedAt: t.field({ type: 'DateTime', description: 'When the current secret was made', resolve: (e) => e.secretRotatedAt }),
    createdBy: t.field({ type: UserRef, nullable: true, resolve: (e, _args, ctx) => loadUser(ctx, e.createdBy) }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (e) => e.updatedAt }),
  }),
});

const loadEndpoint = (ctx: Parameters<typeof batched>[0], id: bigint) =>
  batched(ctx, 'webhookEndpoint', id.toString(), async (db, keys) => {
    const found = await findEndpointsByIds(
      db,
      keys.map((k) => BigInt(k)),
    );
    return new Map([...found].map(([k, v]) => [k.toString(), v]));
  });

export const WebhookDeliveryRef = builder.node(builder.objectRef<WebhookDeliveryRow>('WebhookDelivery'), {
  description: 'One audit event sent (or to be sent) to one endpoint: the delivery log, kept 30 days.',
  authScopes: READ,
  id: { resolve: (d) => d.id.toString(), parse: bigintKey('WebhookDelivery') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'auditSeq' in value && 'endpointId' in value,
  loadMany: async (keys, ctx) => {
    const found = await findDeliveriesByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, nullable: true, resolve: (d, _args, ctx) => loadEndpoint(ctx, d.endpointId) }),
    event: t.field({
      type: AuditEventRef,
      nullable: true,
      description: 'The audit event delivered (readable with admin:audit:read)',
      resolve: (d, _args, ctx) =>
        batched(ctx, 'webhookAuditEvent', d.auditSeq.toString(), async (db, keys) => {
          const found = await findAuditEventsBySeqs(
            db,
            keys.map((k) => BigInt(k)),
          );
          return new Map([...found].map(([k, v]) => [k.toString(), v]));
        }),
    }),
    eventType: t.exposeString('eventType', { description: 'The audit action (the payload type)' }),
    status: t.field({ type: StatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'HTTP status of the last answer; null when none came' }),
    lastError: t.exposeString('lastError', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => d.createdAt }),
    lastAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.lastAttemptAt }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a PENDING delivery is tried next',
      resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.deliveredAt }),
  }),
});

const EndpointFilter = filterInput('WebhookEndpointFilter', endpointFilterTable);
const EndpointOrderEnum = orderByEnum('WebhookEndpointOrderBy', endpointList);
const DeliveryFilter = filterInput('WebhookDeliveryFilter', deliveryFilterTable, {
  enums: { WebhookDeliveryStatus: StatusEnum },
  nodes: { WebhookEndpoint: WebhookEndpointRef },
});
const DeliveryOrderEnum = orderByEnum('WebhookDeliveryOrderBy', deliveryList);

builder.queryFields((t) => ({
  webhookEndpoints: t.connection(
    {
      type: WebhookEndpointRef,
      description: 'Webhook endpoints, oldest first unless ordered otherwise.',
      authScopes: READ,
      args: { filter: t.arg({ type: EndpointFilter }), orderBy: t.arg({ type: EndpointOrderEnum, defaultValue: 'CREATED_AT_ASC' }) },
      resolve: (_root, args, ctx, info) => findEndpointPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'WebhookEndpointConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Endpoints matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'WebhookEndpointEdge' },
  ),
  webhookDeliveries: t.connection(
    {
      type: WebhookDeliveryRef,
      description: 'The delivery log of every endpoint (30 days), newest first unless ordered otherwise.',
      authScopes: READ,
      args: { filter: t.arg({ type: DeliveryFilter }), orderBy: t.arg({ type: DeliveryOrderEnum, defaultValue: 'CREATED_AT_DESC' }) },
      resolve: (_root, args, ctx, info) => findDeliveryPage(ctx.database.db, null, args, listWants(info)),
    },
    {
      name: 'WebhookDeliveryConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Deliveries matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'WebhookDeliveryEdge' },
  ),
}));

builder.objectField(WebhookEndpointRef, 'deliveries', (t) =>
  t.connection(
    {
      type: WebhookDeliveryRef,
      description: "This endpoint's delivery log (30 days), newest first unless ordered otherwise.",
      authScopes: READ,
      args: { filter: t.arg({ type: DeliveryFilter }), orderBy: t.arg({ type: DeliveryOrderEnum, defaultValue: 'CREATED_AT_DESC' }) },
      resolve: (e, args, ctx, info) => findDeliveryPage(ctx.database.db, e.id, args, listWants(info)),
    },
    {
      name: 'WebhookEndpointDeliveryConnection',
      fields: (t) => ({
        totalCount: t.int({ description: "The endpoint's deliveries matching the filter (every page)", resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'WebhookEndpointDeliveryEdge' },
  ),
);

const WithSecretRef = builder.objectRef<EndpointWithSecret>('WebhookEndpointWithSecret').implement({
  description: 'The endpoint and its signing secret (whsec_…, Standard Webhooks): store the secret now, it is never shown again.',
  authScopes: { public: true },
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, resolve: (r) => r.endpoint }),
    secret: t.exposeString('secret'),
  }),
});

const CreateInput = zodInput('CreateWebhookEndpointInput', createWebhookSchema);
const UpdateInput = zodInput('UpdateWebhookEndpointInput', updateWebhookSchema, {
  fields: (t) => ({ id: t.globalID({ for: WebhookEndpointRef, required: true }) }),
});
const idInput = (name: string) => builder.inputType(name, { fields: (t) => ({ id: t.globalID({ for: WebhookEndpointRef, required: true }) }) });

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WithSecretRef,
    description: 'Registers an endpoint; matching audit events are delivered to it, signed with the secret answered here (once).',
    authScopes: WRITE,
    errors: payload('CreateWebhookEndpoint', 'result'),
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createWebhookEndpoint(actionContext(ctx), webhookEnvOf(ctx.config), { ...input, description: input.description ?? undefined }),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    description: 'Changes the URL, patterns or description, or enables/disables the endpoint (null or omitted leaves a field as it is).',
    authScopes: WRITE,
    errors: payload('UpdateWebhookEndpoint', 'endpoint'),
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_root, { input: { id, ...changes } }, ctx) => updateWebhookEndpoint(actionContext(ctx), id.id, omitNulls(changes)),
  }),
  rotateWebhookSecret: t.field({
    type: WithSecretRef,
    description: 'A new signing secret, shown once; deliveries from now on are signed with it.',
    authScopes: WRITE,
    errors: payload('RotateWebhookSecret', 'result'),
    args: { input: t.arg({ type: idInput('RotateWebhookSecretInput'), required: true }) },
    resolve: (_root, { input }, ctx) => rotateWebhookSecret(actionContext(ctx), webhookEnvOf(ctx.config), input.id.id),
  }),
  deleteWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    description: 'Removes the endpoint and its delivery log; answers the endpoint as it was.',
    authScopes: WRITE,
    errors: payload('DeleteWebhookEndpoint', 'endpoint'),
    args: { input: t.arg({ type: idInput('DeleteWebhookEndpointInput'), required: true }) },
    resolve: (_root, { input }, ctx) => deleteWebhookEndpoint(actionContext(ctx), input.id.id),
  }),
}));
