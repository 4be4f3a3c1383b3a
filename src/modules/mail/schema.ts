import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { zodInput } from '../../graphql/inputs.js';
import { mailAllSchema } from './validation.js';
import { bigintKey } from '../../graphql/ids.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import { mailAllUsers } from './actions.js';
import { findMailJobPage, findMailJobsByIds, loadDeliveryCounts, MAIL_JOB_STATUSES, mailJobFilterTable, mailJobList, type MailJobRow } from './queries.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';

const MailJobStatus = builder.enumType('MailJobStatus', {
  values: MAIL_JOB_STATUSES,
  description: 'RUNNING while recipients are still being queued',
});

const MailJobRef = builder.node(builder.objectRef<MailJobRow>('MailJob'), {
  description: 'A mail to all users, and how far it got.',
  authScopes: { scope: 'admin:mail:send' },
  id: { resolve: (j) => j.id.toString(), parse: bigintKey('MailJob') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'queued' in value && 'subject' in value,
  loadMany: async (keys, ctx) => {
    const found = await findMailJobsByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who started it',
      resolve: (j, _args, ctx) => loadUser(ctx, j.createdBy),
    }),
    subject: t.exposeString('subject'),
    status: t.field({ type: MailJobStatus, resolve: (j) => j.status }),
    total: t.exposeInt('total', { description: 'Recipients when the job started' }),
    queued: t.exposeInt('queued'),
    sent: t.int({ resolve: async (j, _a, ctx) => (await loadDeliveryCounts(ctx, j.id)).sent }),
    failed: t.int({ description: 'Given up after every retry', resolve: async (j, _a, ctx) => (await loadDeliveryCounts(ctx, j.id)).failed }),
    createdAt: t.field({ type: 'DateTime', resolve: (j) => j.createdAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When every recipient was queued', resolve: (j) => j.finishedAt }),
  }),
});

const MailAllUsersInput = zodInput('MailAllUsersInput', mailAllSchema);

builder.queryField('mailJob', (t) =>
  t.field({
    type: MailJobRef,
    nullable: true,
    authScopes: { scope: 'admin:mail:send' },
    args: { id: t.arg.globalID({ for: MailJobRef, required: true }) },
    resolve: async (_root, args, ctx) => {
      return (await findMailJobsByIds(ctx.database.db, [args.id.id])).get(args.id.id) ?? null;
    },
  }),
);

const MailJobFilter = filterInput('MailJobFilter', mailJobFilterTable, { enums: { MailJobStatus }, nodes: { User: UserRef } });
const MailJobOrderEnum = orderByEnum('MailJobOrderBy', mailJobList);

builder.queryField('mailJobs', (t) =>
  t.connection(
    {
      type: MailJobRef,
      description: 'Mails to all users, newest first unless ordered otherwise.',
      authScopes: { scope: 'admin:mail:send' },
      args: { filter: t.arg({ type: MailJobFilter }), orderBy: t.arg({ type: MailJobOrderEnum, defaultValue: 'CREATED_AT_DESC' }) },
      resolve: (_root, args, ctx, info) => findMailJobPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'MailJobConnection',
      fields: (t) => ({ totalCount: t.int({ description: 'Jobs matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }), count: countField(t) }),
    },
    { name: 'MailJobEdge' },
  ),
);

builder.mutationField('mailAllUsers', (t) =>
  t.field({
    type: MailJobRef,
    description: 'Mails every active user with an address, as a job that survives restarts; follow it with mailJob(id).',
    authScopes: { scope: 'admin:mail:send' },
    errors: payload('MailAllUsers', 'job'),
    args: { input: t.arg({ type: MailAllUsersInput, required: true }) },
    resolve: (_root, { input }, ctx) => mailAllUsers(actionContext(ctx), input),
  }),
);
