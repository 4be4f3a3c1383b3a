/**
 * The baseline: the same SQL work as the gateway's two bench operations (count, page, roles) with
 * postgres.js and hand-written SQL, JSON assembled in Node, no authentication. It answers the same
 * JSON as the gateway so the comparison is like for like.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.RAW_DATABASE_URL!, { max: 10, prepare: true, onnotice: () => {} });
const gid = (id: string) => Buffer.from(`User:${id}`).toString('base64');

async function usersPage(kind: 'page' | 'search' | 'custom-data') {
  const where =
    kind === 'search' ? sql`where username ilike ${'%ab%'}` : kind === 'custom-data' ? sql`where custom_data @> ${sql.json({ plan: 'team' })}` : sql``;
  const [[{ count }], rows] = await Promise.all([
    sql`select count(*)::int as count from users ${where}`,
    sql`select id::text, username, email, created_at from users ${where} order by created_at, id limit 50`,
  ]);
  const roles = rows.length
    ? await sql`select ur.user_id::text, r.name from user_roles ur join roles r on r.id = ur.role_id
        where ur.user_id = any(${rows.map((r) => r.id)}::bigint[]) and ur.starts_at <= now() and (ur.expires_at is null or ur.expires_at > now())
        order by r.rank desc, r.id`
    : [];
  const byUser = new Map<string, { name: string }[]>();
  for (const r of roles) {
    const list = byUser.get(r.user_id) ?? [];
    list.push({ name: r.name });
    byUser.set(r.user_id, list);
  }
  return {
    data: {
      users: {
        totalCount: count,
        edges: rows.map((r) => ({
          node: { id: gid(r.id), username: r.username, email: r.email, createdAt: new Date(r.created_at).toISOString(), roles: byUser.get(r.id) ?? [] },
        })),
      },
    },
  };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** explainAccess: the user's status, then every grant covering the scope (roles and direct). */
async function explain(userId: string) {
  const granting = ['admin', 'admin:users', 'admin:users:read'];
  const [[user], paths] = await Promise.all([
    sql`select status from users where id = ${userId}`,
    sql`select 'ROLE' as kind, r.name as role, (select s from unnest(r.scopes) s where s = any(${granting}) order by length(s) limit 1) as scope,
          ur.starts_at, ur.expires_at, (ur.starts_at <= now() and (ur.expires_at is null or ur.expires_at > now())) as active
        from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = ${userId} and r.scopes && ${granting}::text[]
        union all
        select 'DIRECT', null, scope, starts_at, expires_at, (starts_at <= now() and (expires_at is null or expires_at > now()))
        from user_scopes where user_id = ${userId} and scope = any(${granting})
        order by active desc, kind, scope`,
  ]);
  const via = paths.map((p) => ({
    kind: p.kind,
    role: p.role === null ? null : { name: p.role },
    grantedScope: p.scope,
    startsAt: iso(p.starts_at),
    expiresAt: iso(p.expires_at),
    active: p.active,
  }));
  return { data: { explainAccess: { held: user.status === 'ACTIVE' && via.some((p) => p.active), via } } };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const url = new URL(req.url ?? '/', 'http://raw');
      const body =
        url.pathname === '/explain'
          ? await explain(url.searchParams.get('user')!)
          : await usersPage(url.pathname === '/search' ? 'search' : url.pathname === '/custom-data' ? 'custom-data' : 'page');
      const json = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
});

server.listen(Number(process.env.RAW_PORT ?? 4501), '127.0.0.1', () => process.stdout.write('raw ready\n'));
process.on('SIGTERM', () => server.close(() => sql.end().then(() => process.exit(0))));
