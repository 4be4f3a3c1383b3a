import { eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { zodInput } from '../../graphql/inputs.js';
import { mailAllSchema } from './validation.js';
import { bigintKey } from '../../graphql/ids.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import { mailAllUsers, type MailJobRow } from './actions.js';
import { mailJobs, outbox } from './table.js';

const MailJobStatus = builder.enumType('MailJobStatus', {
  values: ['RUNNING', 'DONE'] as const,
  description: 'RUNNING while recipients are still being queued',
});

const MailJobRef = builder.node(builder.objectRef<MailJobRow>('MailJob'), {
  description: 'A mail to all users, and how far it got.',
  authScopes: { scope: 'admin:mail:send' },
  id: { resolve: (j) => j.id.toString(), parse: bigintKey('MailJob') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'queued' in value && 'subject' in value,
  loadMany: async (keys, ctx) => {
    const rows = keys.length === 0 ? [] : await ctx.database.db.select().from(mailJobs).where(inArray(mailJobs.id, keys));
    const found = new Map(rows.map((j) => [j.id, j]));
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
    sent: t.int({ resolve: async (j, _a, ctx) => (await counts(ctx.database.db, j)).sent }),
    failed: t.int({ description: 'Given up after every retry', resolve: async (j, _a, ctx) => (await counts(ctx.database.db, j)).failed }),
    createdAt: t.field({ type: 'DateTime', resolve: (j) => j.createdAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When every recipient was queued', resolve: (j) => j.finishedAt }),
  }),
});

/** Sent and failed counts of a job, one statement per job object however many of them are selected. */
const countsByJob = new WeakMap<MailJobRow, Promise<{ sent: number; failed: number }>>();

function counts(db: Parameters<typeof queryRows>[0], job: MailJobRow) {
  let found = countsByJob.get(job);
  if (!found) {
    found = queryRows<{ sent: number; failed: number }>(
      db,
      sql`select count(*) filter (where ${outbox.status} = 'SENT')::int as sent, count(*) filter (where ${outbox.status} = 'FAILED')::int as failed from ${outbox} where ${outbox.jobId} = ${job.id}`,
    ).then(([row]) => row);
    countsByJob.set(job, found);
  }
  return found;
}

const MailAllUsersInput = zodInput('MailAllUsersInput', mailAllSchema);

builder.queryField('mailJob', (t) =>
  t.field({
    type: MailJobRef,
    nullable: true,
    authScopes: { scope: 'admin:mail:send' },
    args: { id: t.arg.globalID({ for: MailJobRef, required: true }) },
    resolve: async (_root, args, ctx) => {
      const [job] = await ctx.database.db.select().from(mailJobs).where(eq(mailJobs.id, args.id.id));
      return job ?? null;
    },
  }),
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
