import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeGuild, makeVoiceRegion, unique } from '../../helpers/factories.js';
import { until } from '../../helpers/wait.js';

const gw = useGateway();

const SUBSCRIPTION = `subscription($f: AdminEventFilter) { adminEvents(filter: $f) { action targetType targetId dispatch diff } }`;

/** Opens adminEvents over SSE on `fetcher` and keeps every event in `events` until `stop`. */
async function watch(fetcher: (r: Request) => Response | Promise<Response>, token: string, filter: unknown) {
  const controller = new AbortController();
  const res = await fetcher(
    new Request('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { f: filter } }),
      signal: controller.signal,
    }),
  );
  const events: any[] = [];
  const reader = res.body!.getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, at)
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('');
          buffer = buffer.slice(at + 2);
          if (data) events.push(JSON.parse(data).data?.adminEvents);
        }
      }
    } catch {
      // aborted
    }
  })();
  return { status: res.status, events, stop: () => controller.abort() };
}

describe('guild changes on adminEvents', () => {
  it("reach a subscriber on another instance after commit, carrying Litecord's event name", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const other = await createApp(gw.config, gw.database);
    const guild = await makeGuild(gw);
    const sub = await watch(other.fetch, admin.token, { actions: ['guild'], targetType: 'Guild', targetId: guild.id.toString() });
    try {
      expect(sub.status).toBe(200);
      // The stream is listening once a change made now arrives (a rename each poll). The guild's
      // create may arrive first: the other instance can read its NOTIFY after the stream opened.
      const isRename = (e: any) => e.action === 'guild.update';
      await until(async () => {
        await mutate(gw, 'updateGuild', { id: guild.gid, name: unique('Renamed ') }, admin.token);
        return sub.events.some(isRename);
      }, 'the subscription to listen');
      expect(sub.events.find(isRename)).toMatchObject({ targetType: 'Guild', targetId: guild.id.toString(), dispatch: 'GUILD_UPDATE' });
      expect(sub.events.every((e) => isRename(e) || e.action === 'guild.create')).toBe(true);
      const seen = () => sub.events.map((e) => `${e.action}:${e.dispatch}`);
      // Events arrive in commit order: once a marker change is seen, every warm-up rename is behind it.
      await mutate(gw, 'updateGuild', { id: guild.gid, icon: 'marker' }, admin.token);
      const isMarker = (e: any) => e.diff?.icon?.to === 'marker';
      await until(() => sub.events.some(isMarker), 'the marker event');
      const start = sub.events.findIndex(isMarker) + 1;
      await mutate(gw, 'addGuildFeatures', { id: guild.gid, features: ['NEWS'] }, admin.token);
      // Refused and unchanged writes commit nothing, so nothing arrives for them.
      expect((await mutate(gw, 'removeGuildFeatures', { id: guild.gid, features: ['VERIFIED'] }, admin.token)).__typename).toBe('BadInputError');
      await mutate(gw, 'addGuildFeatures', { id: guild.gid, features: ['NEWS'] }, admin.token);
      await mutate(gw, 'updateGuild', { id: guild.gid, unavailable: true }, admin.token);
      await mutate(gw, 'updateGuild', { id: guild.gid, unavailable: false }, admin.token);
      // The first region of this database becomes the guild's (Litecord sends nothing for that); setting it again changes nothing.
      const region = await makeVoiceRegion(gw);
      await mutate(gw, 'updateGuild', { id: guild.gid, region: region.id }, admin.token);
      await mutate(gw, 'deprecateVoiceRegion', { key: region.id }, admin.token);
      await mutate(gw, 'deleteGuild', { id: guild.gid }, admin.token);
      await until(() => seen().includes('guild.delete:GUILD_DELETE'), 'the delete event');
      expect(seen().slice(start)).toEqual([
        'guild.features.add:GUILD_UPDATE',
        'guild.update:GUILD_DELETE',
        'guild.update:GUILD_CREATE',
        'guild.update:null',
        'guild.update:GUILD_UPDATE',
        'guild.delete:GUILD_DELETE',
      ]);
      expect(sub.events.at(-2).diff).toMatchObject({ region: { from: region.id, to: null }, reason: 'voice region deprecated' });
    } finally {
      sub.stop();
      await other.close();
    }
  });
});
