import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { dataUri, makeImage } from '../media/images.js';

/**
 * Erasing an account removes what the other modules keep about the person, in the erase's
 * transaction: the pronouns.cc profile and flags (their images released when nothing else shows
 * them), the avatar's reference (held by the row, or by a soft delete's tombstone), the Discord link.
 */
const gw = useGateway();

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(gw.database.db, q);
const refCount = async (hash: string) => (await rows<{ ref_count: number }>(sql`select ref_count from media where hash = ${hash}`))[0]?.ref_count ?? 0;

async function personWithProfile(shade: number) {
  const u = await gw.user();
  const me = (path: string, method: string, json: unknown) => gw.request(`/api/v1/users${path}`, { method, headers: { authorization: u.token }, json });
  const patched = await me('/@me', 'PATCH', { bio: 'about me', avatar: dataUri(await makeImage('png', 40, 40, { r: shade, g: 10, b: 20 })) });
  expect(patched.status).toBe(200);
  const avatar = ((await patched.json()) as { avatar: string }).avatar;
  const flagged = await me('/@me/flags', 'POST', { name: 'mine', flag: dataUri(await makeImage('png', 30, 20, { r: 5, g: shade, b: 5 })) });
  expect(flagged.status).toBe(200);
  const flag = ((await flagged.json()) as { hash: string }).hash;
  return { u, avatar, flag };
}

describe('eraseUser and the data of other modules', () => {
  it('removes the profile and flags, releases their images and the avatar, and drops the Discord link', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const { u, avatar, flag } = await personWithProfile(200);
    expect(await refCount(avatar)).toBe(1);
    expect(await refCount(flag)).toBe(1);
    expect((await mutate(gw, 'setDiscordLink', { user: u.gid, discord: { discordId: `9${u.id}`, username: 'someone' } }, admin.token)).__typename).toBe(
      'SetDiscordLinkSuccess',
    );

    expect((await mutate(gw, 'eraseUser', { id: u.gid, reason: 'asked to be forgotten' }, admin.token)).__typename).toBe('EraseUserSuccess');

    expect(await refCount(avatar)).toBe(0);
    expect(await refCount(flag)).toBe(0);
    expect(await rows(sql`select 1 from media where hash in (${avatar}, ${flag})`)).toEqual([]);
    expect(await rows(sql`select 1 from profiles where user_id = ${u.id}`)).toEqual([]);
    expect(await rows(sql`select 1 from pride_flags where user_id = ${u.id}`)).toEqual([]);
    expect(await rows(sql`select 1 from discord_links where user_id = ${u.id}`)).toEqual([]);
  });

  it("releases a soft-deleted account's avatar, kept by its tombstone until the erase", async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const { u, avatar } = await personWithProfile(90);
    expect((await mutate(gw, 'deleteUser', { id: u.gid }, admin.token)).__typename).toBe('DeleteUserSuccess');
    // Restorable: the tombstone still refers to the avatar.
    expect(await refCount(avatar)).toBe(1);
    expect((await mutate(gw, 'eraseUser', { id: u.gid }, admin.token)).__typename).toBe('EraseUserSuccess');
    expect(await refCount(avatar)).toBe(0);
  });

  it('an image another account still shows stays stored', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const a = await personWithProfile(33);
    const b = await personWithProfile(33);
    expect(b.avatar).toBe(a.avatar);
    expect(await refCount(a.avatar)).toBe(2);
    expect((await mutate(gw, 'eraseUser', { id: a.u.gid }, admin.token)).__typename).toBe('EraseUserSuccess');
    expect(await refCount(a.avatar)).toBe(1);
    expect(await refCount(b.flag)).toBe(1);
  });
});
