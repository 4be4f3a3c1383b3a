import { builder } from '../../graphql/builder.js';

import { bigintKey, decodeId, encodeId } from '../../graphql/ids.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import {
  auditFilterTable,
  auditList,
  findAuditEventsBySeqs,
  findAuditPage,
  verifyAuditChain,
  type AuditFilter,
  type AuditRow,
  type ChainReport,
} from './queries.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';

export const AuditEventRef = builder.node(builder.objectRef<AuditRow>('AuditEvent'), {
  description: 'One change to one entity, written in the transaction that made it; rows form a hash chain. Its global ID is keyed by seq.',
  authScopes: { scope: 'admin:audit:read' },
  id: { resolve: (r) => r.seq.toString(), parse: bigintKey('AuditEvent') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'rowHash' in value && 'seq' in value,
  loadMany: async (keys, ctx) => {
    const found = await findAuditEventsBySeqs(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    seq: t.string({ description: 'Position in the log (a 64-bit integer, as a string)', resolve: (r) => r.seq.toString() }),
    at: t.field({ type: 'DateTime', resolve: (r) => r.at }),
    actor: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who made the change (the users of a page load in one statement); null for the system or an erased account',
      resolve: (r, _args, ctx) => loadUser(ctx, r.actorId),
    }),
    action: t.exposeString('action', { description: 'e.g. user.create, user.update, user.delete, session.login' }),
    targetType: t.exposeString('targetType'),
    targetId: t.string({
      nullable: true,
      description: 'Global ID of the target where it has one, otherwise its key',
      resolve: (r) => (r.targetId && r.targetType === 'User' ? encodeId('User', r.targetId) : r.targetId),
    }),
    requestId: t.exposeString('requestId', { nullable: true }),
    dispatch: t.string({
      nullable: true,
      description:
        'The event the legacy system sends its connected clients for this change (Litecord: GUILD_CREATE, GUILD_UPDATE, GUILD_DELETE); null when it sends none',
      resolve: (r) => (typeof r.diff?.dispatch === 'string' ? r.diff.dispatch : null),
    }),
    diff: t.field({ type: 'JSON', nullable: true, description: 'Before/after of each changed field', resolve: (r) => r.diff }),
    erased: t.boolean({ description: 'The payload was blanked by an erase; its hash is kept', resolve: (r) => r.erasedAt !== null }),
    payloadHash: t.exposeString('payloadHash'),
    prevHash: t.exposeString('prevHash'),
    rowHash: t.exposeString('rowHash'),
  }),
});

const AuditFilterInput = filterInput('AuditLogFilter', auditFilterTable, {
  nodes: { User: UserRef },
  inputs: { targetId: 'ID', from: 'DateTime', to: 'DateTime' },
});
const AuditOrderEnum = orderByEnum('AuditLogOrderBy', auditList);

/** The filter with each User global ID given as a targetId turned into the user's key, at every level. */
/** A target given as a User global ID becomes the user's key; another target's key stays as given. */
function targetKey(targetId: unknown, targetType: string | null | undefined, path: string[]): string | null | undefined {
  if (targetId == null) return targetId;
  const id = String(targetId);
  return id && !/^\d+$/.test(id) && (targetType ?? 'User') === 'User' ? decodeId(id, 'User', path).toString() : id;
}

function withTargetKeys(f: AuditFilter | null | undefined, path: string[]): AuditFilter | null | undefined {
  if (!f) return f;
  return {
    ...f,
    targetId: targetKey(f.targetId, f.targetType, [...path, 'targetId']),
    and: f.and?.map((g, i) => withTargetKeys(g, [...path, 'and', String(i)]) ?? {}),
    or: f.or?.map((g, i) => withTargetKeys(g, [...path, 'or', String(i)]) ?? {}),
    not: withTargetKeys(f.not, [...path, 'not']),
  };
}

builder.queryField('auditLog', (t) =>
  t.connection(
    {
      type: AuditEventRef,
      description: 'Newest first unless ordered otherwise.',
      authScopes: { scope: 'admin:audit:read' },
      args: { filter: t.arg({ type: AuditFilterInput }), orderBy: t.arg({ type: AuditOrderEnum, defaultValue: 'SEQ_DESC' }) },
      resolve: (_root, args, ctx, info) => findAuditPage(ctx.database.db, { ...args, filter: withTargetKeys(args.filter, ['filter']) }, listWants(info)),
    },
    {
      name: 'AuditEventConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Events matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'AuditEventEdge' },
  ),
);

const ChainReportRef = builder.objectRef<ChainReport>('AuditChainReport').implement({
  authScopes: { scope: 'admin:audit:read' },
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    checkedCount: t.exposeInt('checkedCount', { description: 'Rows verified before the first broken one (all rows when valid)' }),
    firstBrokenSeq: t.string({ nullable: true, resolve: (r) => r.firstBrokenSeq?.toString() ?? null }),
    problem: t.exposeString('problem', { nullable: true }),
  }),
});

builder.queryField('verifyAuditChain', (t) =>
  t.field({
    type: ChainReportRef,
    description: 'Recomputes every hash of the audit chain and reports the first row that was altered or removed.',
    authScopes: { scope: 'admin:audit:read' },
    resolve: (_root, _args, ctx) => verifyAuditChain(ctx.database.db),
  }),
);

const AdminEventFilter = builder.inputType('AdminEventFilter', {
  fields: (t) => ({
    actions: t.stringList({ description: 'Actions or their prefixes, e.g. ["user", "role.assign"]' }),
    targetType: t.string(),
    targetId: t.id({ description: 'A User ID, or the key of another target' }),
  }),
});

builder.subscriptionField('adminEvents', (t) =>
  t.field({
    type: AuditEventRef,
    description: 'Each audit event once its transaction commits, from any gateway instance (over SSE: Accept: text/event-stream).',
    authScopes: { scope: 'admin:audit:read' },
    args: { filter: t.arg({ type: AdminEventFilter }) },
    subscribe: (_root, args, ctx) => {
      // authorizeOnSubscribe: scope-auth refuses a caller without the scope before the stream opens.
      const f = args.filter;
      return ctx.events.subscribe(f && { ...f, targetId: targetKey(f.targetId, f.targetType, ['filter', 'targetId']) || null });
    },
    resolve: (row) => row,
  }),
);
