import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { useGateway } from '../../helpers/app.js';
import { makeMedia } from '../../helpers/factories.js';

/**
 * The pronouns_profiles migration's data steps, run again over rows written as before it: each old
 * pronouns text becomes one entry {pronouns, status: okay}; an avatar hash with no stored image is
 * cleared, a stored one counts as a reference.
 */
const gw = useGateway();

const folder = readdirSync('drizzle').find((f) => f.endsWith('_pronouns_profiles'))!;
const statements = readFileSync(join('drizzle', folder, 'migration.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => s.startsWith('-- Each') || s.startsWith('-- An avatar') || s.startsWith('UPDATE "media"'));

describe('pronouns_profiles migration', () => {
  it('moves pronouns into entries and clears avatar hashes that name nothing', async () => {
    expect(statements).toHaveLength(3);
    const a = await gw.user();
    const b = await gw.user();
    const stored = await makeMedia(gw);
    await gw.database.db.execute(sql`update media set ref_count = 0 where hash = ${stored.hash}`);
    await gw.database.db.execute(sql`update users set pronouns = 'she/her', avatar_hash = 'gone-long-ago' where id = ${a.id}`);
    await gw.database.db.execute(sql`update users set pronouns = '  ', avatar_hash = ${stored.hash} where id = ${b.id}`);
    for (const statement of statements) await gw.database.db.execute(sql.raw(statement));

    const rows = await queryRows<{ id: string; pronouns: unknown; avatar_hash: string | null }>(
      gw.database.db,
      sql`select u.id::text as id, p.pronouns, u.avatar_hash from users u left join profiles p on p.user_id = u.id where u.id in (${a.id}, ${b.id}) order by u.id`,
    );
    expect(rows).toEqual([
      { id: a.id.toString(), pronouns: [{ pronouns: 'she/her', displayText: null, status: 'okay' }], avatar_hash: null },
      { id: b.id.toString(), pronouns: null, avatar_hash: stored.hash },
    ]);
    const [media] = await queryRows<{ ref_count: number }>(gw.database.db, sql`select ref_count from media where hash = ${stored.hash}`);
    expect(media.ref_count).toBe(1);
    // The entry is what the pronouns.cc API answers.
    const me = await gw.request('/api/v1/users/@me', { headers: { authorization: a.token } });
    expect(((await me.json()) as { pronouns: unknown }).pronouns).toEqual([{ pronouns: 'she/her', display_text: null, status: 'okay' }]);
  });
});
