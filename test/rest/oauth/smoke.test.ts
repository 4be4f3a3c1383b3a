import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { adminFeSignIn, NITROGEN_ENV, nitrogenSignIn } from '../../helpers/legacy-sign-in.js';

const gw = useGateway(NITROGEN_ENV);
describe('smoke', () => {
  it('admin-fe', async () => {
    const admin = await gw.user({ roles: ['admin'], password: 'correct horse battery' });
    const token = await adminFeSignIn(gw, admin.username, 'correct horse battery');
    expect(token).toBeTruthy();
    const t = await nitrogenSignIn(gw, admin.username, 'correct horse battery');
    expect(t.refreshToken).toBeTruthy();
  });
});
