import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { until } from '../../helpers/wait.js';

const gw = useGateway();

const SUBSCRIPTION = `subscription($f: AdminEventFilter) { adminEvents(filter: $f) { seq action targetType targetId diff } }`;

/** Opens the subscription over SSE on `app` and collects events until `count` arrived. */
async function subscribe(fetcher: (r: Request) => Response | Promise<Response>, token: string | null, filter: unknown, count: number) {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetcher(
    new Request('http://gateway.test/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { f: filter } }),
      signal: controller.signal,
    }),
  );
  const reader = res.body!.getReader();
  const events: any[] = [];
  let buffer = '';
  const done = (async () => {
    while (events.length < count) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += new TextDecoder().decode(value);
      for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
        const chunk = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const data = chunk
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        if (data) events.push(JSON.parse(data));
      }
    }
    controller.abort();
    return events;
  })();
  return { status: res.status, done };
}

describe('adminEvents subscription', () => {
  it('delivers committed audit events over SSE, filtered, to a subscriber on another instance', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    // A second gateway instance on the same database: the change goes through the first, the event arrives at the second.
    const other = await createApp(gw.config, gw.database);
    try {
      const target = await gw.user();
      const sub = await subscribe(other.fetch, admin.token, { actions: ['user.verify', 'user.restrict'], targetId: target.gid }, 2);
      expect(sub.status).toBe(200);
      // Live once the instance counts the stream among its subscribers (not after a guessed delay).
      await until(() => other.events.subscribers > 0, 'the subscription to go live');
      await mutate(gw, 'updateUser', { id: target.gid, displayName: 'not watched' }, admin.token);
      await mutate(gw, 'verifyUser', { id: target.gid, reason: 'checked' }, admin.token);
      // A failed change commits nothing, so nothing is delivered for it.
      expect((await mutate(gw, 'suspendUser', { id: target.gid, until: '2000-01-01T00:00:00Z' }, admin.token)).code).toBe('BAD_INPUT');
      await mutate(gw, 'restrictUser', { id: target.gid }, admin.token);
      const events = await Promise.race([sub.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no events')), 60_000))]);
      expect(events.map((e) => e.data.adminEvents.action)).toEqual(['user.verify', 'user.restrict']);
      expect(events[0].data.adminEvents).toMatchObject({ targetType: 'User', targetId: target.gid, diff: { reason: 'checked' } });
    } finally {
      await other.close();
    }
  });

  it('needs admin:audit:read', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const denied = await subscribe(gw.app.fetch, mod.token, null, 1);
    const [event] = await denied.done;
    expect(event.errors[0].extensions.code).toBe('FORBIDDEN');
    const anon = await subscribe(gw.app.fetch, null, null, 1);
    expect((await anon.done)[0].errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ends open streams when the instance shuts down, so SIGTERM can drain', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const other = await createApp(gw.config, gw.database);
    const sub = await subscribe(other.fetch, admin.token, null, 5);
    await until(() => other.events.subscribers > 0, 'the subscription to go live');
    await other.close();
    const events = await Promise.race([sub.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('stream still open')), 60_000))]);
    expect(events).toEqual([]);
  });
});
