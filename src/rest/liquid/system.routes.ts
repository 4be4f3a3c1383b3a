import { Hono } from 'hono';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { run, type ShimDeps } from '../shim.js';
import { liquidError, liquidNotFound } from './errors.js';
import { LIST_LIMITS, ok } from './present.js';

/**
 * Liquid's countries-insecure list ({name, code: dialling code, iso}), built once from
 * libphonenumber-js's metadata (every region with a calling code) and ICU's English region names.
 */
const COUNTRIES = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  return getCountries()
    .map((iso) => ({ name: names.of(iso) ?? iso, code: `+${getCountryCallingCode(iso)}`, iso }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
})();

const VIEWER = 'query LiquidSettingsCaller { viewer { id } }';

/** Liquid's /system: the settings a signed-in client reads at start, and the country list. */
export function liquidSystemRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.get('/settings', async (c) => {
    const ctx = await deps.contextFor(c);
    // Liquid answers its exposed options to any signed-in caller: the one operation checks the caller.
    await run(ctx, VIEWER);
    return ok(c, {
      settings: {
        'system.app-name': ctx.config.liquid.appName,
        // The gateway's rank rule: nobody changes an account ranked as high as its own (access/policy.ts).
        'admin-api.user.profile.can-edit-peer-data': false,
        'pagination.default-limit': LIST_LIMITS.default,
        'pagination.max-limit': LIST_LIMITS.max,
      },
    });
  });

  // Public in Liquid too (Nitrogen fills its country picker before anything else).
  app.get('/countries-insecure', (c) => ok(c, { countries: COUNTRIES }));

  app.onError((error, c) => liquidError(c, error));
  app.notFound(liquidNotFound);
  return app;
}
