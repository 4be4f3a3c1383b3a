import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { zodInput } from '../../graphql/inputs.js';
import { claimOwnProfile, rerollOwnShortId, updateOwnProfile } from './actions.js';
import { createOwnFlag, deleteOwnFlag, updateOwnFlag } from './flags.js';
import { PrideFlagRef, PronounsProfileRef } from './profile.schema.js';
import { createFlagSchema, flagIdSchema, updateFlagSchema, updateProfileSchema } from './validation.js';

/**
 * Self-service (access/self-service.ts): every mutation here acts on the caller's own profile and
 * flags, and takes no account id. Admins moderate through moderation.schema.ts.
 */

const UpdateInput = zodInput('UpdateMyPronounsProfileInput', updateProfileSchema, {
  description: 'Omitted fields stay as they are; an empty string or list clears (pronouns.cc PATCH /users/@me).',
  fields: (t) => ({
    names: t.field({ type: 'JSON', description: '[{value, status}]' }),
    pronouns: t.field({ type: 'JSON', description: '[{pronouns, displayText, status}]' }),
    fields: t.field({ type: 'JSON', description: '[{name, entries: [{value, status}]}]' }),
    customPreferences: t.field({ type: 'JSON', description: '{<uuid>: {icon, tooltip, size, muted, favourite}}' }),
  }),
});
const CreateFlagInput = zodInput('CreateMyPrideFlagInput', createFlagSchema);
const UpdateFlagInput = zodInput('UpdateMyPrideFlagInput', updateFlagSchema);
const DeleteFlagInput = zodInput('DeleteMyPrideFlagInput', flagIdSchema);

const ClaimInput = builder.inputType('ClaimMyPronounsProfileInput', {
  fields: (t) => ({ claim: t.boolean({ defaultValue: true, description: 'false reads the own profile without making it public' }) }),
});
const RerollInput = builder.inputType('RerollMyShortIdInput', {
  fields: (t) => ({
    expectedSid: t.string({ description: 'The short id being replaced: when it is no longer current, BAD_INPUT (a retried request does not reroll twice)' }),
  }),
});

const self = { authenticated: true } as const;

builder.mutationFields((t) => ({
  claimMyPronounsProfile: t.field({
    type: PronounsProfileRef,
    description: "The caller's own profile, made public from now on (pronouns.cc GET /users/@me: signing in to it claims it).",
    authScopes: self,
    errors: payload('ClaimMyPronounsProfile', 'profile'),
    args: { input: t.arg({ type: ClaimInput }) },
    resolve: (_root, { input }, ctx) => claimOwnProfile(actionContext(ctx), input?.claim ?? true),
  }),
  updateMyPronounsProfile: t.field({
    type: PronounsProfileRef,
    description: 'Edits the caller’s own profile; the avatar is a data URI (PNG, JPEG or WebP), re-encoded to 512×512 WebP.',
    authScopes: self,
    errors: payload('UpdateMyPronounsProfile', 'profile'),
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateOwnProfile(actionContext(ctx), ctx.config.media, input as Parameters<typeof updateOwnProfile>[2]),
  }),
  rerollMyShortId: t.field({
    type: PronounsProfileRef,
    description: 'A new random short id, at most once an hour (RATE_LIMITED before).',
    authScopes: self,
    errors: payload('RerollMyShortId', 'profile'),
    args: { input: t.arg({ type: RerollInput }) },
    resolve: (_root, { input }, ctx) => rerollOwnShortId(actionContext(ctx), input?.expectedSid ?? undefined),
  }),
  createMyPrideFlag: t.field({
    type: PrideFlagRef,
    description: 'A new pride flag of the caller’s (at most 500; CONFLICT beyond). The image is re-encoded to WebP within 256×256.',
    authScopes: self,
    errors: payload('CreateMyPrideFlag', 'flag'),
    args: { input: t.arg({ type: CreateFlagInput, required: true }) },
    resolve: (_root, { input }, ctx) => createOwnFlag(actionContext(ctx), ctx.config.media, input),
  }),
  updateMyPrideFlag: t.field({
    type: PrideFlagRef,
    description: 'Renames or re-describes one of the caller’s flags (another user’s is NOT_FOUND).',
    authScopes: self,
    errors: payload('UpdateMyPrideFlag', 'flag'),
    args: { input: t.arg({ type: UpdateFlagInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateOwnFlag(actionContext(ctx), input),
  }),
  deleteMyPrideFlag: t.field({
    type: PrideFlagRef,
    description: 'Deletes one of the caller’s flags; its image goes when nothing else refers to it.',
    authScopes: self,
    errors: payload('DeleteMyPrideFlag', 'flag'),
    args: { input: t.arg({ type: DeleteFlagInput, required: true }) },
    resolve: (_root, { input }, ctx) => deleteOwnFlag(actionContext(ctx), input),
  }),
}));
