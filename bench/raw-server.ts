/**
 * The baseline: the same SQL work as the gateway's bench operations (count, page, roles) with
 * postgres.js and hand-written SQL, JSON assembled in Node, no authentication. It answers the same
 * JSON as the gateway so the comparison is like for like.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.RAW_DATABASE_URL!, { max: Number(process.env.RAW_POOL_MAX ?? 10), prepare: true, onnotice: () => {} });
const gid = (id: string) => Buffer.from(`User:${id}`).toString('base64');

const COLUMNS = 'u.id::text as id, u.username, u.email, u.created_at';
// Ties on created_at are broken on the id column itself (not on the text of the selected id).
const ORDER = 'order by u.created_at, u.id';

/**
 * As the gateway plans them (db/prepared.ts): an unfiltered page is a named statement, prepared once
 * per connection; a filtered one is an unnamed statement, planned for its values every time (a
 * custom plan, never PostgreSQL's generic plan after five runs). The unfiltered count is the kept
 * count (db/counts.ts), a filtered one counts the matches.
 */
async function pageRows(kind: 'page' | 'search' | 'custom-data' | 'offset') {
  if (kind === 'page' || kind === 'offset') {
    const tail = kind === 'offset' ? ' offset 9950' : '';
    const rows = sql.unsafe(`select ${COLUMNS} from users u ${ORDER} limit 50${tail}`, [], { prepare: true });
    if (kind === 'offset') return { count: null, rows: await rows };
    const [[{ count }], page] = await Promise.all([
      sql.unsafe(
        `select case when bool_or(key = '') then coalesce(sum(n) filter (where key <> ''), 0)::int else (select count(*)::int from users) end as count
          from row_counts where table_name = 'users'`,
        [],
        { prepare: true },
      ),
      rows,
    ]);
    return { count, rows: page };
  }
  const [where, value] = kind === 'search' ? ['u.username ilike $1', '%ab%'] : ['u.custom_data @> $1::text::jsonb', JSON.stringify({ plan: 'team' })];
  const [[{ count }], rows] = await Promise.all([
    sql.unsafe(`select count(*)::int as count from users u where ${where}`, [value], { prepare: false }),
    sql.unsafe(`select ${COLUMNS} from users u where ${where} ${ORDER} limit 50`, [value], { prepare: false }),
  ]);
  return { count, rows };
}

async function usersPage(kind: 'page' | 'search' | 'custom-data' | 'offset') {
  const { count, rows } = await pageRows(kind);
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
  const edges = rows.map((r) => ({
    node: { id: gid(r.id), username: r.username, email: r.email, createdAt: new Date(r.created_at).toISOString(), roles: byUser.get(r.id) ?? [] },
  }));
  return { data: { users: count === null ? { edges } : { totalCount: count, edges } } };
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
      const kind = url.pathname.slice(1);
      const body =
        kind === 'explain'
          ? await explain(url.searchParams.get('user')!)
          : kind === 'trivial'
            ? { data: { __typename: 'Query' } }
            : await usersPage(kind === 'search' || kind === 'custom-data' || kind === 'offset' ? kind : 'page');
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
