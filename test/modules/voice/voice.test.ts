import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeGuild, makeVoiceRegion, unique } from '../../helpers/factories.js';

const gw = useGateway();

const auditCount = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0].n);
const regionRows = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from voice_regions`))[0].n);
const REGIONS = `query($f: VoiceRegionFilter, $o: VoiceRegionOrderBy) { voiceRegions(first: 50, filter: $f, orderBy: $o) { totalCount edges { node { key name vip deprecated custom } } } }`;

describe('voice regions', () => {
  it('voiceRegions and createVoiceRegion need admin:voice:read / :write; refused writes leave nothing', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const admin = await gw.user({ roles: ['admin'] });
    expect((await gw.gql(REGIONS, {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(REGIONS, {}, null)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const before = [await regionRows(), await auditCount()];
    expect(await mutate(gw, 'createVoiceRegion', { id: 'refused', name: 'Refused' }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect([await regionRows(), await auditCount()]).toEqual(before);
    expect((await gw.gql(REGIONS, {}, admin.token)).body.data.voiceRegions.totalCount).toBe(before[0]);
  });

  it('creates a region with its id lowercased, audited; a taken id is a ConflictError, bad input a BadInputError, nothing written', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const id = unique('Brazil-');
    const made = await mutate(gw, 'createVoiceRegion', { id, name: 'Brazil', vip: true }, admin.token, 'region { key name vip deprecated custom }');
    expect(made).toMatchObject({
      __typename: 'CreateVoiceRegionSuccess',
      region: { key: id.toLowerCase(), name: 'Brazil', vip: true, deprecated: false, custom: false },
    });
    const [row] = await gw.database.rows<{ action: string; actor_id: string }>(
      sql`select action, actor_id::text from audit_log where target_type = 'VoiceRegion' and target_id = ${id.toLowerCase()}`,
    );
    expect(row).toEqual({ action: 'voice.region.create', actor_id: admin.id.toString() });
    const before = [await regionRows(), await auditCount()];
    const dup = await mutate(gw, 'createVoiceRegion', { id: id.toUpperCase(), name: 'Again' }, admin.token);
    expect(dup).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', fields: [{ path: ['input', 'id'] }] });
    for (const input of [
      { id: '', name: 'Empty' },
      { id: 'has space', name: 'Space' },
      { id: 'x'.repeat(256), name: 'Long' },
      { id: unique('ok-'), name: '' },
    ]) {
      expect((await mutate(gw, 'createVoiceRegion', input, admin.token)).__typename, JSON.stringify(input)).toBe('BadInputError');
    }
    expect([await regionRows(), await auditCount()]).toEqual(before);
  });

  it('adds servers (last_health 0.5); a taken hostname is a ConflictError, an unknown region NotFoundError', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const host = `${unique('voice')}.example.org`;
    const added = await mutate(
      gw,
      'addVoiceServer',
      { region: region.id.toUpperCase(), hostname: host },
      admin.token,
      'server { hostname lastHealth regionId }',
    );
    expect(added).toMatchObject({ server: { hostname: host, lastHealth: 0.5, regionId: region.id } });
    const other = await makeVoiceRegion(gw);
    expect(await mutate(gw, 'addVoiceServer', { region: other.id, hostname: host.toUpperCase() }, admin.token)).toMatchObject({
      __typename: 'ConflictError',
      message: 'voice server already exists with given hostname',
    });
    expect(await mutate(gw, 'addVoiceServer', { region: 'no-such-region', hostname: `x.${host}` }, admin.token)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await mutate(gw, 'addVoiceServer', { region: region.id, hostname: 'bad host/name' }, admin.token)).toMatchObject({ __typename: 'BadInputError' });
    const servers = await gw.gql(
      `query($k: String!) { voiceRegion(key: $k) { key servers(first: 10) { totalCount edges { node { hostname } } } } }`,
      { k: region.id.toUpperCase() },
      admin.token,
    );
    expect(servers.body.data.voiceRegion).toEqual({ key: region.id, servers: { totalCount: 1, edges: [{ node: { hostname: host } }] } });
    const mod = await gw.user({ roles: ['moderator'] });
    expect(await mutate(gw, 'addVoiceServer', { region: region.id, hostname: `m.${host}` }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
  });

  it('filters and orders regions; a region is a node', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const tag = unique('zz-');
    await makeVoiceRegion(gw, { id: `${tag}-a`, name: `${tag} Alpha`, vip: true });
    await makeVoiceRegion(gw, { id: `${tag}-b`, name: `${tag} Beta` });
    const res = await gw.gql(REGIONS, { f: { name: { startsWith: tag }, vip: false }, o: 'NAME_DESC' }, admin.token);
    expect(res.body.data.voiceRegions).toMatchObject({ totalCount: 1, edges: [{ node: { key: `${tag}-b` } }] });
    const both = await gw.gql(REGIONS, { f: { name: { startsWith: tag } }, o: 'NAME_DESC' }, admin.token);
    expect(both.body.data.voiceRegions.edges.map((e: any) => e.node.key)).toEqual([`${tag}-b`, `${tag}-a`]);
    const { gid, id: key } = await makeVoiceRegion(gw);
    const node = await gw.gql(`query($id: ID!) { node(id: $id) { __typename ... on VoiceRegion { key } } }`, { id: gid }, admin.token);
    expect(node.body.data.node.__typename).toBe('VoiceRegion');
    const added = await mutate(gw, 'addVoiceServer', { region: key, hostname: `${unique('n')}.example.org` }, admin.token, 'server { id hostname }');
    const server = await gw.gql(`query($id: ID!) { node(id: $id) { __typename ... on VoiceServer { hostname } } }`, { id: added.server.id }, admin.token);
    expect(server.body.data.node).toEqual({ __typename: 'VoiceServer', hostname: added.server.hostname });
    // Each node under its read scope: FORBIDDEN without it, UNAUTHENTICATED anonymous.
    const mod = await gw.user({ roles: ['moderator'] });
    for (const id of [gid, added.server.id]) {
      expect((await gw.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await gw.gql(`query($id: ID!) { node(id: $id) { id } }`, { id })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('deprecating a region', () => {
  it('takes the region from each of its guilds (one GUILD_UPDATE audit row each), then marks it; one transaction', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const kept = await makeVoiceRegion(gw);
    const a = await makeGuild(gw, { region: region.id });
    const b = await makeGuild(gw, { region: region.id });
    const c = await makeGuild(gw, { region: kept.id });
    const res = await mutate(gw, 'deprecateVoiceRegion', { key: region.id }, admin.token, 'region { key deprecated }');
    expect(res).toMatchObject({ region: { key: region.id, deprecated: true } });
    const rows = await gw.database.rows<{ id: string; region: string | null }>(
      sql`select id::text, region from guilds where id in (${a.id}, ${b.id}, ${c.id}) order by id`,
    );
    expect(rows.map((r) => r.region)).toEqual([null, null, kept.id]);
    const audit = await gw.database.rows<{ target_id: string; action: string; dispatch: string | null }>(
      sql`select target_id, action, diff->>'dispatch' as dispatch from audit_log where (target_type = 'Guild' and target_id in (${a.id.toString()}, ${b.id.toString()}, ${c.id.toString()}) and action = 'guild.update') or (target_type = 'VoiceRegion' and target_id = ${region.id} and action = 'voice.region.deprecate') order by seq`,
    );
    expect(audit).toEqual([
      { target_id: a.id.toString(), action: 'guild.update', dispatch: 'GUILD_UPDATE' },
      { target_id: b.id.toString(), action: 'guild.update', dispatch: 'GUILD_UPDATE' },
      { target_id: region.id, action: 'voice.region.deprecate', dispatch: null },
    ]);
    // A deprecated region serves no guild; deprecating again changes nothing; an unknown one is not found.
    expect(await mutate(gw, 'updateGuild', { id: c.gid, region: region.id }, admin.token)).toMatchObject({
      __typename: 'BadInputError',
      fields: [{ path: ['input', 'region'], message: 'voice region is deprecated' }],
    });
    const before = await auditCount();
    expect(await mutate(gw, 'deprecateVoiceRegion', { key: region.id }, admin.token)).toMatchObject({ __typename: 'DeprecateVoiceRegionSuccess' });
    expect(await mutate(gw, 'deprecateVoiceRegion', { key: 'no-such-region' }, admin.token)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await auditCount()).toBe(before);
  });

  it('needs admin:voice:write', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const region = await makeVoiceRegion(gw);
    expect(await mutate(gw, 'deprecateVoiceRegion', { key: region.id }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    const [row] = await gw.database.rows<{ deprecated: boolean }>(sql`select deprecated from voice_regions where id = ${region.id}`);
    expect(row.deprecated).toBe(false);
  });
});

describe('VIP regions', () => {
  it('serve only guilds with VIP_REGIONS; losing VIP_REGIONS leaves the region', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const vip = await makeVoiceRegion(gw, { vip: true });
    const plain = await makeGuild(gw);
    const refused = await mutate(gw, 'updateGuild', { id: plain.gid, region: vip.id }, admin.token);
    expect(refused).toMatchObject({ __typename: 'BadInputError', message: 'can not assign guild to vip-only region' });
    await expect(makeGuild(gw, { region: vip.id })).rejects.toThrow(/vip-only/);
    const fancy = await makeGuild(gw, { features: ['VIP_REGIONS'] });
    expect(await mutate(gw, 'updateGuild', { id: fancy.gid, region: vip.id }, admin.token, 'guild { regionKey }')).toMatchObject({
      guild: { regionKey: vip.id },
    });
    const removed = await mutate(gw, 'removeGuildFeatures', { id: fancy.gid, features: ['VIP_REGIONS'] }, admin.token, 'guild { features regionKey }');
    expect(removed).toMatchObject({ guild: { features: [], regionKey: null } });
  });
});
