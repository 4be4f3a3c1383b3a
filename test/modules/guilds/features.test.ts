import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { GUILD_FEATURES } from '../../../src/modules/guilds/table.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeGuild, unique } from '../../helpers/factories.js';

const gw = useGateway();

const guildRow = async (id: bigint) =>
  (await gw.database.rows<{ features: string[]; vanity_code: string | null }>(sql`select features, vanity_code from guilds where id = ${id}`))[0];
const auditCount = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0].n);

describe('guild features', () => {
  it('replace, add and remove, one mutation each, each audited with GUILD_UPDATE', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    const edit = (name: string, features: string[]) => mutate(gw, name, { id: g.gid, features }, admin.token, 'guild { features }');
    expect(await edit('replaceGuildFeatures', ['NEWS', 'VERIFIED', 'NEWS'])).toMatchObject({ guild: { features: ['VERIFIED', 'NEWS'] } });
    expect(await edit('addGuildFeatures', ['INVITE_SPLASH', 'NEWS'])).toMatchObject({ guild: { features: ['INVITE_SPLASH', 'VERIFIED', 'NEWS'] } });
    expect(await edit('removeGuildFeatures', ['VERIFIED'])).toMatchObject({ guild: { features: ['INVITE_SPLASH', 'NEWS'] } });
    const rows = await gw.database.rows<{ action: string; dispatch: string }>(
      sql`select action, diff->>'dispatch' as dispatch from audit_log where target_type = 'Guild' and target_id = ${g.id.toString()} and action like 'guild.features.%' order by seq`,
    );
    expect(rows).toEqual([
      { action: 'guild.features.replace', dispatch: 'GUILD_UPDATE' },
      { action: 'guild.features.add', dispatch: 'GUILD_UPDATE' },
      { action: 'guild.features.remove', dispatch: 'GUILD_UPDATE' },
    ]);
  });

  it('removing a feature the guild lacks, an unknown feature or a missing guild is refused and writes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const g = await makeGuild(gw, { features: ['NEWS'] });
    const before = await auditCount();
    expect(await mutate(gw, 'removeGuildFeatures', { id: g.gid, features: ['NEWS', 'VERIFIED'] }, admin.token)).toMatchObject({
      __typename: 'BadInputError',
      message: 'Trying to remove already removed feature.',
      fields: [{ path: ['input', 'features', '1'] }],
    });
    const bad = await gw.gql(`mutation($id: ID!) { addGuildFeatures(input: { id: $id, features: [NOPE] }) { __typename } }`, { id: g.gid }, admin.token);
    expect(bad.status).toBe(400);
    expect(await mutate(gw, 'addGuildFeatures', { id: g.gid, features: ['VERIFIED'] }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await auditCount()).toBe(before);
    const gone = await makeGuild(gw);
    await mutate(gw, 'deleteGuild', { id: gone.gid }, admin.token);
    const afterDelete = await auditCount();
    expect(await mutate(gw, 'addGuildFeatures', { id: gone.gid, features: ['NEWS'] }, admin.token)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await guildRow(g.id)).toEqual({ features: ['NEWS'], vanity_code: null });
    expect(await auditCount()).toBe(afterDelete);
  });

  it('removing VANITY_URL clears the vanity code in the same change', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const code = unique('vanity').replace('_', '-');
    const g = await makeGuild(gw, { features: ['VANITY_URL', 'NEWS'], vanityCode: code });
    expect(await mutate(gw, 'replaceGuildFeatures', { id: g.gid, features: ['NEWS'] }, admin.token, 'guild { features vanityCode }')).toMatchObject({
      guild: { features: ['NEWS'], vanityCode: null },
    });
    const [row] = await gw.database.rows<{ diff: Record<string, unknown> }>(
      sql`select diff from audit_log where action = 'guild.features.replace' and target_id = ${g.id.toString()}`,
    );
    expect(row.diff).toMatchObject({ vanityCode: { from: code, to: null }, features: { from: ['VANITY_URL', 'NEWS'], to: ['NEWS'] } });
    // The code is free again for another guild.
    await makeGuild(gw, { features: ['VANITY_URL'], vanityCode: code });
  });

  it('the database holds features to the closed set, never null, and a vanity code only with VANITY_URL', async () => {
    const owner = await gw.user();
    const insert = (features: string, vanity: string | null = null) =>
      gw.database.rows(sql`insert into guilds (name, owner_id, features, vanity_code) values ('Raw', ${owner.id}, ${sql.raw(features)}, ${vanity})`);
    await expect(insert(`'{NOPE}'::text[]`)).rejects.toThrow();
    await expect(insert('null')).rejects.toThrow();
    await expect(insert(`array[null]::text[]`)).rejects.toThrow();
    await expect(insert(`'{NEWS}'::text[]`, 'novanity')).rejects.toThrow();
  });

  it('parallel additions lose none', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    const results = await Promise.all(GUILD_FEATURES.map((f) => mutate(gw, 'addGuildFeatures', { id: g.gid, features: [f] }, admin.token)));
    expect(results.every((r) => r.__typename === 'AddGuildFeaturesSuccess')).toBe(true);
    expect((await guildRow(g.id)).features).toEqual([...GUILD_FEATURES]);
    // And parallel removals of different features leave exactly the rest.
    await Promise.all(['NEWS', 'PUBLIC', 'VERIFIED'].map((f) => mutate(gw, 'removeGuildFeatures', { id: g.gid, features: [f] }, admin.token)));
    expect((await guildRow(g.id)).features).toEqual(GUILD_FEATURES.filter((f) => !['NEWS', 'PUBLIC', 'VERIFIED'].includes(f)));
  });
});
