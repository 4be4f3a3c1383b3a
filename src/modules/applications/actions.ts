import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { sha256 } from '../../access/tokens.js';
import type { Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, fromZodIssues, NotFoundError, parseInput, type FieldProblem } from '../../core/errors.js';
import { diffOf, writeAudit, type AuditEntry } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { findApplication, findApplicationsByIds, type ApplicationRow } from './queries.js';
import { applications } from './table.js';
import { assertHoldsScopes } from '../../access/policy.js';
import { findStanding } from '../../access/standing.js';
import { scopeList } from '../../access/scopes.js';
import { createApplicationSchema, updateApplicationSchema } from './validation.js';

/**
 * What a role lets an application hold: an internal client (the platform's own services) any scope
 * of the catalog, an external one only reading scopes.
 */
export function assertRoleAllows(role: 'INTERNAL' | 'EXTERNAL', scopes: readonly string[], prefix: string[] = []): void {
  const beyond = role === 'EXTERNAL' ? scopes.filter((s) => !s.endsWith(':read')) : [];
  if (beyond.length)
    throw new BadInputError(`An external application may hold only reading scopes: ${beyond.join(', ')}`, [
      { path: [...prefix, 'scopes'], message: 'external applications hold only :read scopes' },
    ]);
}

/** Grants that need a client secret (RFC 6749 4.3, 4.4): a public client may not have them. */
const CONFIDENTIAL_GRANTS = ['client_credentials', 'password'];

/** What a public client may not be: given a secret, or grants that authenticate with one. */
function clientTypeProblems(a: { clientType?: string; grants?: readonly string[]; secret?: string }, prefix: string[]): FieldProblem[] {
  if (a.clientType !== 'PUBLIC') return [];
  const problems: FieldProblem[] = [];
  if (a.secret !== undefined) problems.push({ path: [...prefix, 'secret'], message: 'public clients have no secret' });
  const needSecret = (a.grants ?? []).filter((g) => CONFIDENTIAL_GRANTS.includes(g));
  if (needSecret.length) problems.push({ path: [...prefix, 'grants'], message: `public clients cannot use ${needSecret.join(', ')}` });
  return problems;
}

const newSecret = () => randomBytes(32).toString('base64url');
const view = (a: Partial<ApplicationRow>) => ({
  clientId: a.clientId,
  clientType: a.clientType,
  oauthScopes: a.oauthScopes,
  displayName: a.displayName,
  grants: a.grants,
  redirectUris: a.redirectUris,
  role: a.role,
  scopes: a.scopes,
});

export interface WithSecret {
  application: ApplicationRow;
  /** Null for a public client, which has none. */
  clientSecret: string | null;
}

const taken = () => new ConflictError('An application with this client id exists', [{ path: ['clientId'], message: 'already taken' }]);

export const MAX_APPLICATIONS = 100;

type CreateApplicationData = z.output<typeof createApplicationSchema>;

/**
 * Creates applications, all or nothing, in one transaction with one audit row each: every item is
 * validated first (problems at `input.applications.<n>.<field>`), client ids taken in the batch or
 * already are conflicts at `…<n>.clientId`, and every item's scopes must be allowed by its role and
 * held by the actor. Each secret is generated here and answered once.
 */
export async function createApplications(
  ctx: ActionContext,
  inputs: z.input<typeof createApplicationSchema>[],
  opts: { prefix?: string[] } = {},
): Promise<WithSecret[]> {
  const prefix = opts.prefix ?? ['applications'];
  const at = (i: number) => (opts.prefix ? prefix : [...prefix, String(i)]);
  if (inputs.length === 0 || inputs.length > MAX_APPLICATIONS) {
    throw new BadInputError(`between 1 and ${MAX_APPLICATIONS} applications at once`, [
      { path: prefix, message: `between 1 and ${MAX_APPLICATIONS} applications` },
    ]);
  }
  const problems: FieldProblem[] = [];
  const items = inputs.map((input, i) => {
    const result = createApplicationSchema.safeParse(input);
    if (!result.success) problems.push(...fromZodIssues(result.error.issues, at(i)).fields);
    else {
      const beyond = result.data.role === 'EXTERNAL' ? result.data.scopes.filter((s) => !s.endsWith(':read')) : [];
      if (beyond.length) problems.push({ path: [...at(i), 'scopes'], message: `external applications hold only :read scopes (${beyond.join(', ')})` });
      problems.push(...clientTypeProblems(result.data, at(i)));
    }
    return result.data;
  });
  if (problems.length)
    throw new BadInputError(
      `${problems[0].path.join('.')}: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      problems,
    );
  const valid = items as CreateApplicationData[];

  const conflicts: FieldProblem[] = [];
  const seen = new Map<string, number>();
  valid.forEach((a, i) => {
    if (seen.has(a.clientId)) conflicts.push({ path: [...at(i), 'clientId'], message: `same as item ${seen.get(a.clientId)}` });
    else seen.set(a.clientId, i);
  });
  const existing = await ctx.db
    .select({ clientId: applications.clientId })
    .from(applications)
    .where(inArray(applications.clientId, [...seen.keys()]));
  for (const { clientId } of existing) conflicts.push({ path: [...at(seen.get(clientId)!), 'clientId'], message: 'already taken' });
  if (conflicts.length)
    throw new ConflictError(
      conflicts.length === 1 ? 'An application with this client id exists' : `${conflicts.length} client ids are already taken`,
      conflicts,
    );

  // A chosen secret (admin:applications:write, as every create) or a generated one; none for public clients.
  const secrets = valid.map((a) => (a.clientType === 'PUBLIC' ? null : (a.secret ?? newSecret())));
  try {
    const created = await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      // Nobody gives an application a scope it does not hold (the message names every such scope).
      assertHoldsScopes(actor, [...new Set(valid.flatMap((a) => a.scopes))]);
      const rows = await tx
        .insert(applications)
        .values(
          valid.map(({ secret: _chosen, ...a }, i) => {
            const secret = secrets[i];
            return { ...a, clientType: a.clientType ?? 'CONFIDENTIAL', secretHash: secret === null ? null : sha256(secret), createdBy: ctx.actor.actorId };
          }),
        )
        .returning({ id: applications.id });
      await writeAudit(
        tx,
        ctx.actor,
        rows.map((row, i) => ({
          action: 'application.create',
          targetType: 'Application',
          targetId: row.id.toString(),
          diff: { ...diffOf(null, view(valid[i])), ...(valid[i].secret ? { secret: { chosen: true } } : {}) },
        })),
      );
      return findApplicationsByIds(
        tx,
        rows.map((r) => r.id),
      );
    });
    return created.map((application, i) => ({ application, clientSecret: secrets[i] }));
  } catch (error) {
    if (!uniqueViolation(error)) throw error;
    // Taken between the check and the insert: the batch as a whole.
    throw opts.prefix ? taken() : new ConflictError('A client id was taken meanwhile', [{ path: prefix, message: 'a client id is already taken' }]);
  }
}

/** Creates one application (createApplications with one item; errors at `input.<field>`). */
export async function createApplication(ctx: ActionContext, input: z.input<typeof createApplicationSchema>): Promise<WithSecret> {
  const [created] = await createApplications(ctx, [input], { prefix: [] });
  return created;
}

async function lockApplication(tx: Tx, id: bigint): Promise<ApplicationRow> {
  const [row] = await tx.select().from(applications).where(eq(applications.id, id)).for('update');
  if (!row) throw new NotFoundError('No such application');
  const { secretHash: _s, ...rest } = row;
  return rest;
}

export async function updateApplication(ctx: ActionContext, id: bigint, input: z.input<typeof updateApplicationSchema>): Promise<ApplicationRow> {
  const changes = Object.fromEntries(Object.entries(parseInput(updateApplicationSchema, input)).filter(([, v]) => v !== undefined)) as Partial<ApplicationRow>;
  try {
    return await ctx.db.transaction(async (tx) => {
      const before = await lockApplication(tx, id);
      const after = { ...before, ...changes };
      const actor = await findStanding(tx, ctx.actor.actorId);
      assertRoleAllows(after.role, after.scopes);
      const typeProblems = clientTypeProblems(after, []);
      if (typeProblems.length) throw new BadInputError(`${typeProblems[0].path.join('.')}: ${typeProblems[0].message}`, typeProblems);
      assertHoldsScopes(actor, [...after.scopes.filter((s) => !before.scopes.includes(s)), ...before.scopes.filter((s) => !after.scopes.includes(s))]);
      const diff = diffOf(view(before), view(after));
      if (Object.keys(diff).length) {
        await tx
          .update(applications)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(applications.id, id));
        await writeAudit(tx, ctx.actor, [{ action: 'application.update', targetType: 'Application', targetId: id.toString(), diff }]);
      }
      return (await findApplication(tx, id))!;
    });
  } catch (error) {
    throw uniqueViolation(error) ? taken() : error;
  }
}

/** A new secret, shown once; the old one stops working at once. */
export async function rotateApplicationSecret(ctx: ActionContext, id: bigint): Promise<WithSecret> {
  const clientSecret = newSecret();
  const application = await ctx.db.transaction(async (tx) => {
    const app = await lockApplication(tx, id);
    if (app.clientType === 'PUBLIC') throw new BadInputError('A public client has no secret to rotate', [{ path: ['id'], message: 'public client' }]);
    // Whoever may not grant the application's scopes may not take over its credentials either.
    assertHoldsScopes(await findStanding(tx, ctx.actor.actorId), app.scopes);
    await tx
      .update(applications)
      .set({ secretHash: sha256(clientSecret), secretRotatedAt: new Date(), updatedAt: new Date() })
      .where(eq(applications.id, id));
    await writeAudit(tx, ctx.actor, [
      { action: 'application.rotate-secret', targetType: 'Application', targetId: id.toString(), diff: { secret: { changed: true } } },
    ]);
    return (await findApplication(tx, id))!;
  });
  return { application, clientSecret };
}

export async function deleteApplication(ctx: ActionContext, id: bigint, reason: string | null): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    const app = await lockApplication(tx, id);
    assertHoldsScopes(await findStanding(tx, ctx.actor.actorId), app.scopes);
    await tx.delete(applications).where(eq(applications.id, id));
    await writeAudit(tx, ctx.actor, [{ action: 'application.delete', targetType: 'Application', targetId: id.toString(), diff: { from: view(app), reason } }]);
    return app;
  });
}

/** setScopes for APPLICATION targets: the applications' scope sets, all or nothing, under the same rules. */
export async function setApplicationScopes(
  ctx: ActionContext,
  input: { targets: bigint[]; scopes: string[]; operation: 'SET' | 'ADD' | 'REMOVE'; expiresAt?: Date | null },
): Promise<{ changedCount: number }> {
  if (input.expiresAt) throw new BadInputError('Application scopes do not expire; omit expiresAt', [{ path: ['expiresAt'], message: 'not for applications' }]);
  const scopes = parseInput(scopeList, input.scopes, ['scopes']);
  const targets = [...new Set(input.targets)];
  if (targets.length === 0 || targets.length > 1000)
    throw new BadInputError('targets must hold 1 to 1,000 applications', [{ path: ['targets'], message: 'between 1 and 1,000' }]);
  return ctx.db.transaction(async (tx) => {
    const actor = await findStanding(tx, ctx.actor.actorId);
    const rows = await tx.select().from(applications).where(inArray(applications.id, targets)).orderBy(applications.id).for('update');
    const missing = targets.filter((t) => !rows.some((r) => r.id === t));
    if (missing.length) throw new NotFoundError(`No such application: ${missing.join(', ')}`);
    const audit: AuditEntry[] = [];
    for (const app of rows) {
      const next =
        input.operation === 'SET'
          ? scopes
          : input.operation === 'ADD'
            ? [...new Set([...app.scopes, ...scopes])]
            : app.scopes.filter((s) => !scopes.includes(s));
      const changed = [...next.filter((s) => !app.scopes.includes(s)), ...app.scopes.filter((s) => !next.includes(s))];
      if (!changed.length) continue;
      assertRoleAllows(app.role, next);
      assertHoldsScopes(actor, changed);
      await tx.update(applications).set({ scopes: next, updatedAt: new Date() }).where(eq(applications.id, app.id));
      audit.push({
        action: 'scopes.set',
        targetType: 'Application',
        targetId: app.id.toString(),
        diff: { scopes: { from: app.scopes, to: next }, operation: input.operation },
      });
    }
    await writeAudit(tx, ctx.actor, audit);
    return { changedCount: audit.length };
  });
}
