import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
import { webhookDeliveries, webhookEndpoints } from './table.js';

export const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;

/** An endpoint as read: every column but the sealed secret, which never leaves the module. */
export type WebhookEndpointRow = Omit<typeof webhookEndpoints.$inferSelect, 'secretSealed'>;
export type WebhookDeliveryRow = Omit<typeof webhookDeliveries.$inferSelect, 'leasedUntil'>;

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  secretRotatedAt: webhookEndpoints.secretRotatedAt,
  consecutiveFailures: webhookEndpoints.consecutiveFailures,
  disabledAt: webhookEndpoints.disabledAt,
  disabledReason: webhookEndpoints.disabledReason,
  createdBy: webhookEndpoints.createdBy,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};
export { endpointColumns as webhookEndpointColumns };

const deliveryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  auditSeq: webhookDeliveries.auditSeq,
  eventType: webhookDeliveries.eventType,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  responseStatus: webhookDeliveries.responseStatus,
  lastError: webhookDeliveries.lastError,
  createdAt: webhookDeliveries.createdAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  deliveredAt: webhookDeliveries.deliveredAt,
};

export async function findEndpoint(db: Tx, id: bigint, opts: { lock?: boolean } = {}): Promise<WebhookEndpointRow | null> {
  const query = db.select(endpointColumns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).$dynamic();
  const [row] = opts.lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function findEndpointsByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, WebhookEndpointRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(inArray(webhookEndpoints.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findDeliveriesByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, WebhookDeliveryRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export const endpointFilterTable = {
  enabled: { kind: 'flag', sql: sql`${webhookEndpoints.enabled}` },
  url: { kind: 'text', sql: sql`${webhookEndpoints.url}` },
  createdAt: { kind: 'range', sql: sql`${webhookEndpoints.createdAt}` },
} as const;
export type EndpointFilter = FilterOf<typeof endpointFilterTable>;

const endpointOrders = bothWays({ CREATED_AT: { sql: sql`${webhookEndpoints.createdAt}`, type: 'timestamptz' } });
export type EndpointOrder = keyof typeof endpointOrders;

export const endpointList: ListSource<typeof endpointFilterTable, EndpointOrder> = {
  name: 'webhook_endpoints',
  table: webhookEndpoints,
  id: { sql: sql`${webhookEndpoints.id}`, type: 'bigint' },
  orders: endpointOrders,
  defaultOrder: 'CREATED_AT_ASC',
  filter: endpointFilterTable,
  defaultSize: 50,
};

export const findEndpointPage = (
  db: Tx,
  args: ListArgs<typeof endpointFilterTable, EndpointOrder>,
  wants: ListWants,
): Promise<Connection<WebhookEndpointRow>> => findPage(db, endpointList, { select: () => endpointColumns, selectKey: 'all' }, args, wants);

export const deliveryFilterTable = {
  endpoint: { kind: 'ref', sql: sql`${webhookDeliveries.endpointId}`, node: 'WebhookEndpoint' },
  status: { kind: 'oneOf', sql: sql`${webhookDeliveries.status}::text`, enumName: 'WebhookDeliveryStatus', values: DELIVERY_STATUSES },
  eventType: { kind: 'equals', sql: sql`${webhookDeliveries.eventType}` },
  createdAt: { kind: 'range', sql: sql`${webhookDeliveries.createdAt}` },
} as const;
export type DeliveryFilter = FilterOf<typeof deliveryFilterTable>;

const deliveryOrders = bothWays({ CREATED_AT: { sql: sql`${webhookDeliveries.createdAt}`, type: 'timestamptz' } });
export type DeliveryOrder = keyof typeof deliveryOrders;

export const deliveryList: ListSource<typeof deliveryFilterTable, DeliveryOrder> = {
  name: 'webhook_deliveries',
  table: webhookDeliveries,
  id: { sql: sql`${webhookDeliveries.id}`, type: 'bigint' },
  orders: deliveryOrders,
  defaultOrder: 'CREATED_AT_DESC',
  filter: deliveryFilterTable,
  defaultSize: 50,
};

/** A page of the delivery log, newest first unless ordered otherwise; one endpoint's when `endpointId` is given. */
export const findDeliveryPage = (
  db: Tx,
  endpointId: bigint | null,
  args: ListArgs<typeof deliveryFilterTable, DeliveryOrder>,
  wants: ListWants,
): Promise<Connection<WebhookDeliveryRow>> =>
  findPage(
    db,
    deliveryList,
    {
      select: () => deliveryColumns,
      selectKey: endpointId === null ? 'every endpoint' : 'one endpoint',
      where: (p) => (endpointId === null ? undefined : sql`${webhookDeliveries.endpointId} = ${p.add(endpointId.toString())}::bigint`),
    },
    args,
    wants,
  );
