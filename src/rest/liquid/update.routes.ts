import type { Hono } from 'hono';
import { z } from 'zod';
import { encodeId } from '../../graphql/ids.js';
import { idText, mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { checked, fieldErrors, LiquidError, readBody } from './errors.js';
import { ok, phoneOf, toRoleName } from './present.js';

const ROLES = `query LiquidRoles($id: ID!) { user(id: $id) { roles { name } } }`;

/** What Nitrogen (BasicInfoEditor) sends for a field the admin emptied; Liquid stores null. */
const UNSET = '__unset__';
const orUnset = <S extends z.ZodType>(schema: S) => z.union([z.literal(UNSET).transform(() => null), schema]);
const text = (max: number) => orUnset(z.string().max(max));

/** The fields PATCH /update takes, each optional (only the changed ones are sent). */
const FIELDS = {
  username: z.string().regex(/^[A-Za-z0-9_]{8,64}$/, 'letters, digits and _, at least 8'),
  firstName: text(100),
  middleName: text(100),
  lastName: text(100),
  email: orUnset(z.string()),
  emailVerified: z.boolean(),
  password: z.string(),
  // `__unset__` leaves the account with no role: a plain `user`.
  role: z.union([z.literal(UNSET).transform(() => 'user'), z.string().max(64)]),
  country: orUnset(
    z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 code such as DE')
      .transform((s) => s.toUpperCase()),
  ),
  organization: text(200),
  designation: text(200),
  gender: text(64),
  preferredLanguage: orUnset(z.string().max(35)),
  customLink: orUnset(z.string().max(2000)),
  bio: text(4000),
  pronouns: text(100),
  phoneCountryCode: z.string().regex(/^\+\d{1,4}$/, 'like +49'),
  phone: orUnset(z.string().max(32)),
  // Liquid's own default lists it; deleting is its own mutation here, so it is refused, not ignored.
  isDeleted: z.never({ message: 'not served: accounts are deleted with the gateway deleteUser mutation' }),
};
export const updateBody = z
  .strictObject(FIELDS)
  .partial()
  .extend({ target: idText('must be a user id') });

/** Liquid's names of the fields that are the gateway's under another name. */
const GATEWAY_NAMES: Record<string, string> = { country: 'countryCode' };

/**
 * PATCH /update: `target` plus only the changed fields, each one Liquid may edit here
 * (LIQUID_EDITABLE_FIELDS; any other is 401 InsufficientPrivileges naming it, as Liquid answers).
 * `"__unset__"` clears a field. One updateUser: a refused role or field changes nothing.
 */
export function updateRoute(app: Hono, deps: ShimDeps) {
  app.patch('/update', async (c) => {
    const ctx = await deps.contextFor(c);
    const raw = await readBody(c, z.record(z.string(), z.unknown(), { message: 'a JSON object' }));
    const editable = new Set(ctx.config.liquid.editableFields);
    // The dialing code travels with the phone number, so it is editable with it.
    const refused = Object.keys(raw).filter((k) => k !== 'target' && !editable.has(k) && !(k === 'phoneCountryCode' && editable.has('phone')));
    if (refused.length)
      throw new LiquidError(401, 'InsufficientPrivileges', {
        message: `Not editable here: ${refused.join(', ')} (see /user/admin-api/editable-fields)`,
        errors: fieldErrors(
          c.req.raw,
          refused.map((k) => ({ path: [k], message: 'Invalid value' })),
        ),
      });
    const { target: id, role, phoneCountryCode, phone, isDeleted: _never, ...fields } = checked(updateBody, raw);
    const changes: Record<string, unknown> = Object.fromEntries(
      Object.entries({ ...fields, phone: phone === null ? null : phoneOf({ phone, phoneCountryCode }) })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [GATEWAY_NAMES[k] ?? k, v]),
    );
    if (role !== undefined) {
      // A Liquid account has one role ('user': none): give the new one, take away the others, in the
      // same mutation as the other changes, so a refused role writes nothing.
      const wanted = role === 'user' ? null : toRoleName(role);
      const current = await run<{ user: { roles: { name: string }[] } | null }>(ctx, ROLES, { id: encodeId('User', id) });
      if (!current.user) throw new ShimError('NOT_FOUND', 'No such user');
      const held = current.user.roles.map((r) => r.name);
      changes.giveRoles = wanted && !held.includes(wanted) ? [wanted] : [];
      changes.takeRoles = held.filter((n) => n !== wanted);
    }
    await run(ctx, mutationDocument('updateUser', 'user { id }'), { input: { id: encodeId('User', id), ...changes } });
    return ok(c);
  });
}
