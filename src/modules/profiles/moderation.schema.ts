import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { UserRef } from '../users/schema.js';
import { moderateProfile, removePrideFlag, setProfileBadges } from './moderation.js';
import { PrideFlagRef, PronounsProfileRef } from './profile.schema.js';

const ModerationAction = builder.enumType('ProfileModerationAction', {
  values: {
    PUBLISH: { description: 'Public before its user signed in to it' },
    UNPUBLISH: { description: 'Takes a publication back (a claimed profile stays public)' },
    HIDE: { description: 'No one but its user and moderators reads it (404 on pronouns.cc)' },
    UNHIDE: { description: 'Shown again' },
    CLEAR_AVATAR: { description: 'Removes the avatar (its image goes when nothing else refers to it)' },
    CLEAR_BIO: { description: 'Removes the bio' },
  } as const,
});

const ModerateInput = builder.inputType('ModeratePronounsProfileInput', {
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: true }),
    action: t.field({ type: ModerationAction, required: true }),
    reason: t.string({ required: true, description: 'Recorded in the audit log' }),
  }),
});

const SetBadgesInput = builder.inputType('SetPronounsBadgesInput', {
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: true }),
    badges: t.int({ required: true, description: 'The whole bitmask pronouns.cc answers as `badges` (0 clears it)' }),
    reason: t.string({ required: true, description: 'Recorded in the audit log' }),
  }),
});

const RemoveFlagInput = builder.inputType('RemovePrideFlagInput', {
  fields: (t) => ({
    id: t.string({ required: true, description: 'The flag id' }),
    reason: t.string({ required: true, description: 'Recorded in the audit log' }),
  }),
});

builder.mutationFields((t) => ({
  moderatePronounsProfile: t.field({
    type: PronounsProfileRef,
    description: 'Publishes, hides or clears part of someone’s profile, with a reason; audited. Needs admin:profiles:write and a higher rank.',
    authScopes: { scope: 'admin:profiles:write' },
    errors: payload('ModeratePronounsProfile', 'profile'),
    args: { input: t.arg({ type: ModerateInput, required: true }) },
    resolve: (_root, { input }, ctx) => moderateProfile(actionContext(ctx), input.userId.id, { action: input.action, reason: input.reason }),
  }),
  setPronounsBadges: t.field({
    type: PronounsProfileRef,
    description: 'Sets the badges of someone’s profile, with a reason; audited. Needs admin:profiles:write and a higher rank.',
    authScopes: { scope: 'admin:profiles:write' },
    errors: payload('SetPronounsBadges', 'profile'),
    args: { input: t.arg({ type: SetBadgesInput, required: true }) },
    resolve: (_root, { input }, ctx) => setProfileBadges(actionContext(ctx), input.userId.id, { badges: input.badges, reason: input.reason }),
  }),
  removePrideFlag: t.field({
    type: PrideFlagRef,
    description: 'Removes someone’s pride flag, with a reason; audited. Needs admin:profiles:write and a higher rank.',
    authScopes: { scope: 'admin:profiles:write' },
    errors: payload('RemovePrideFlag', 'flag'),
    args: { input: t.arg({ type: RemoveFlagInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const id = /^[1-9][0-9]{0,18}$/.test(input.id) ? BigInt(input.id) : 0n;
      return removePrideFlag(actionContext(ctx), id, { reason: input.reason });
    },
  }),
}));
