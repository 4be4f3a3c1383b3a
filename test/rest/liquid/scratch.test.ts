import { it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
const gw = useGateway();
it('scratch', async () => {
  const admin = await gw.user({ roles: ['admin'] });
  const call = restClient(gw, '/user/admin-api');
  const cc = restClient(gw, '/client/admin-api');
  const person = (n: string) => ({ username: `liquid_${n}`, firstName: 'Liq', lastName: n, email: `liquid_${n}@example.org`, password: 'liquid-pass-1' });
  await call('POST', '/create', admin.token, [person('alpha001')]);
  console.log(JSON.stringify(await call('POST', '/create', admin.token, [person('alpha001')])));
  const t = await gw.user();
  console.log(JSON.stringify(await call('PATCH', '/update', admin.token, { target: t.id.toString(), firstName: 'Yes', phoneCountryCode: '+33', phone: '612345678', role: 'moderator' })));
  console.log(JSON.stringify(await cc('POST', '/create', admin.token, { id: 'nitrogen_made', grants: ['client_credentials'], redirectUris: ['https://redirect.uri'], role: 'external_client', displayName: 'My External Client', secret: '' })));
});
