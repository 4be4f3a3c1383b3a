import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeGuild, makeVoiceRegion, unique } from '../../helpers/factories.js';

const gw = useGateway();

const counts = async () =>
  (await gw.database.rows<{ g: number; a: number }>(sql`select (select count(*)::int from guilds) as g, (select count(*)::int from audit_log) as a`))[0];
const GUILDS = `query($f: GuildFilter, $o: GuildOrderBy) { guilds(first: 50, filter: $f, orderBy: $o) { totalCount edges { node { snowflake name } } } }`;
const FIELDS = 'guild { id snowflake name icon regionKey features unavailable vanityCode owner { id } createdAt }';

describe('guilds', () => {
  it('guilds, guild and createGuild need admin:guilds:read / :write; a refused create writes nothing', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const admin = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    expect((await gw.gql(GUILDS, {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(`query($id: ID!) { guild(id: $id) { name } }`, { id: g.gid }, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const before = await counts();
    expect(await mutate(gw, 'createGuild', { name: 'Refused', owner: mod.gid }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'createGuild', { name: 'Refused', owner: mod.gid }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await counts()).toEqual(before);
    expect((await gw.gql(`query($id: ID!) { guild(id: $id) { name } }`, { id: g.gid }, admin.token)).body.data.guild.name).toMatch(/^Guild /);
  });

  it('creates a guild with a snowflake id, no features (never null), audited as guild.create with GUILD_CREATE', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const made = await mutate(gw, 'createGuild', { name: 'Made Here', owner: owner.gid }, admin.token, FIELDS);
    expect(made).toMatchObject({
      __typename: 'CreateGuildSuccess',
      guild: { name: 'Made Here', icon: null, regionKey: null, features: [], unavailable: false, vanityCode: null, owner: { id: owner.gid } },
    });
    // A snowflake: milliseconds since the Discord epoch in the high bits.
    const at = Number(BigInt(made.guild.snowflake) >> 22n) + 1420070400000;
    expect(Math.abs(at - Date.parse(made.guild.createdAt))).toBeLessThan(60_000);
    const [row] = await gw.database.rows<{ features: string[]; action: string; dispatch: string }>(
      sql`select g.features, a.action, a.diff->>'dispatch' as dispatch from guilds g join audit_log a on a.target_type = 'Guild' and a.target_id = g.id::text where g.id = ${made.guild.snowflake}::bigint`,
    );
    expect(row).toEqual({ features: [], action: 'guild.create', dispatch: 'GUILD_CREATE' });
  });

  it('refuses bad input with a clear BadInputError or ConflictError and writes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const code = unique('vanity').replace('_', '-');
    await makeGuild(gw, { features: ['VANITY_URL'], vanityCode: code });
    const before = await counts();
    for (const [input, type, path] of [
      [{ name: 'x', owner: owner.gid }, 'BadInputError', 'name'],
      [{ name: 'Good name', owner: owner.gid, vanityCode: unique('v').replace('_', '-') }, 'BadInputError', 'vanityCode'],
      [{ name: 'Good name', owner: owner.gid, vanityCode: 'bad code!', features: ['VANITY_URL'] }, 'BadInputError', 'vanityCode'],
      [{ name: 'Good name', owner: owner.gid, region: 'no-such-region' }, 'BadInputError', 'region'],
      [{ name: 'Good name', owner: 'VXNlcjo5OTk5OTk5OQ==' }, 'BadInputError', 'owner'],
      [{ name: 'Good name', owner: owner.gid, features: ['VANITY_URL'], vanityCode: code }, 'ConflictError', 'vanityCode'],
    ] as const) {
      const res = await mutate(gw, 'createGuild', input, admin.token);
      expect(res.__typename, JSON.stringify(input)).toBe(type);
      expect(res.fields[0].path).toEqual(['input', path]);
    }
    const bogus = await gw.gql(`mutation { createGuild(input: { name: "Good", owner: "x", features: [NOPE] }) { __typename } }`, {}, admin.token);
    expect(bogus.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('updates a guild: omitted fields stay, null clears; no change writes nothing; deleting removes it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const g = await makeGuild(gw, { icon: 'abc123', region: region.id, features: ['VANITY_URL'], vanityCode: unique('keep').replace('_', '-') });
    const newOwner = await gw.user();
    const res = await mutate(gw, 'updateGuild', { id: g.gid, name: 'Renamed', icon: null, owner: newOwner.gid }, admin.token, FIELDS);
    expect(res.guild).toMatchObject({ name: 'Renamed', icon: null, regionKey: region.id, owner: { id: newOwner.gid }, features: ['VANITY_URL'] });
    const before = await counts();
    expect((await mutate(gw, 'updateGuild', { id: g.gid, name: 'Renamed' }, admin.token)).__typename).toBe('UpdateGuildSuccess');
    expect(await counts()).toEqual(before);
    expect(await mutate(gw, 'updateGuild', { id: g.gid, region: 'nowhere' }, admin.token)).toMatchObject({ __typename: 'BadInputError' });
    expect(await counts()).toEqual(before);
    const removed = await mutate(gw, 'deleteGuild', { id: g.gid, reason: 'test' }, admin.token, 'guild { name }');
    expect(removed).toMatchObject({ guild: { name: 'Renamed' } });
    expect((await gw.gql(`query($id: ID!) { guild(id: $id) { name } }`, { id: g.gid }, admin.token)).body.data.guild).toBeNull();
    expect(await mutate(gw, 'deleteGuild', { id: g.gid }, admin.token)).toMatchObject({ __typename: 'NotFoundError', message: 'Unknown guild' });
    const [row] = await gw.database.rows<{ dispatch: string }>(
      sql`select diff->>'dispatch' as dispatch from audit_log where action = 'guild.delete' and target_id = ${g.id.toString()}`,
    );
    expect(row.dispatch).toBe('GUILD_DELETE');
  });

  it('stores unavailable: GUILD_DELETE when it becomes true, GUILD_CREATE when false again, nothing when unchanged', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    for (const unavailable of [true, true, false, false]) {
      expect(await mutate(gw, 'updateGuild', { id: g.gid, unavailable }, admin.token, 'guild { unavailable }')).toMatchObject({ guild: { unavailable } });
    }
    const rows = await gw.database.rows<{ dispatch: string }>(
      sql`select diff->>'dispatch' as dispatch from audit_log where action = 'guild.update' and target_id = ${g.id.toString()} order by seq`,
    );
    expect(rows.map((r) => r.dispatch)).toEqual(['GUILD_DELETE', 'GUILD_CREATE']);
  });

  it('lists guilds filtered by name, owner, feature, region and unavailable, in each order, with totalCount', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const tag = unique('List');
    const owner = await gw.user();
    const region = await makeVoiceRegion(gw);
    const a = await makeGuild(gw, { name: `${tag} Alpha`, ownerId: owner.id, features: ['VERIFIED', 'NEWS'], region: region.id });
    const b = await makeGuild(gw, { name: `${tag} beta`, unavailable: true });
    const c = await makeGuild(gw, { name: `${tag} Gamma`, ownerId: owner.id, features: ['NEWS'] });
    const names = async (f: unknown, o = 'NAME_ASC') => {
      const res = await gw.gql(GUILDS, { f: { and: [{ name: { startsWith: tag } }, f] }, o }, admin.token);
      return res.body.data.guilds.edges.map((e: any) => e.node.snowflake);
    };
    expect(await names({})).toEqual([a, b, c].map((g) => g.id.toString()));
    expect(await names({}, 'NAME_DESC')).toEqual([c, b, a].map((g) => g.id.toString()));
    expect(await names({}, 'ID_DESC')).toEqual([c, b, a].map((g) => g.id.toString()));
    expect(await names({ owner: owner.gid })).toEqual([a, c].map((g) => g.id.toString()));
    expect(await names({ feature: 'NEWS' })).toEqual([a, c].map((g) => g.id.toString()));
    expect(await names({ feature: 'VERIFIED' })).toEqual([a.id.toString()]);
    expect(await names({ region: region.id.toUpperCase() })).toEqual([a.id.toString()]);
    expect(await names({ region: '' })).toEqual([b, c].map((g) => g.id.toString()));
    expect(await names({ unavailable: true })).toEqual([b.id.toString()]);
    expect(await names({ not: { unavailable: true } })).toEqual([a, c].map((g) => g.id.toString()));
    const total = await gw.gql(GUILDS, { f: { name: { contains: tag.toLowerCase() } } }, admin.token);
    expect(total.body.data.guilds.totalCount).toBe(3);
    const node = await gw.gql(`query($id: ID!) { node(id: $id) { ... on Guild { name region { key } } } }`, { id: a.gid }, admin.token);
    expect(node.body.data.node).toEqual({ name: `${tag} Alpha`, region: { key: region.id } });
  });
});
