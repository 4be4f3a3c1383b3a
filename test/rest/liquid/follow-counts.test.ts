import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { makeFollow } from '../../helpers/factories.js';

const gw = useGateway();
const call = restClient(gw, '/user/admin-api');

describe("Liquid rows' followerCount and followingCount", () => {
  it('come from the follows module, in the list and in user info', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const star = await gw.user();
    const fan = await gw.user();
    await makeFollow(gw, { followerId: fan.id, followedId: star.id });
    await makeFollow(gw, { followedId: star.id });
    await makeFollow(gw, { followerId: star.id, followedId: fan.id });

    const info = await call('POST', '/retrieve-user-info', admin.token, { targets: [star.id.toString(), fan.id.toString()] });
    expect(info.status).toBe(200);
    const byId = new Map(info.body.data.users.map((u: any) => [u._id, u]));
    expect(byId.get(star.id.toString())).toMatchObject({ followerCount: 2, followingCount: 1 });
    expect(byId.get(fan.id.toString())).toMatchObject({ followerCount: 1, followingCount: 1 });

    const list = await call('GET', '/list?limit=100', admin.token);
    const row = list.body.data.users.find((u: any) => u._id === star.id.toString());
    expect(row).toMatchObject({ followerCount: 2, followingCount: 1 });
  });
});
