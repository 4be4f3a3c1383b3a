/**
 * The baseline: the same SQL work as the gateway's two bench operations (count, page, roles) with
 * postgres.js and hand-written SQL, JSON assembled in Node, no authentication. It answers the same
 * JSON as the gateway so the comparison is like for like.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.RAW_DATABASE_URL!, { max: 10, prepare: true, onnotice: () => {} });
const gid = (id: string) => Buffer.from(`User:${id}`).toString('base64');

async function usersPage(search: string | null) {
  const where = search ? sql`where username ilike ${`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
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

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = req.url === '/search' ? await usersPage('ab') : await usersPage(null);
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
