import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { UserRef } from '../users/schema.js';
import { createPasswordResetToken, resetPassword } from './actions.js';

const ResetToken = builder.objectRef<{ token: string; expiresAt: Date; mailedTo: string | null }>('PasswordResetToken').implement({
  description: 'Shown once: only its hash is kept.',
  authScopes: { public: true },
  fields: (t) => ({
    token: t.exposeString('token'),
    expiresAt: t.field({ type: 'DateTime', resolve: (r) => r.expiresAt }),
    mailedTo: t.exposeString('mailedTo', { nullable: true, description: 'The address the reset mail was queued for (sendEmail)' }),
  }),
});

const ResetDone = builder.objectRef<{ reset: boolean }>('PasswordReset').implement({
  authScopes: { public: true },
  fields: (t) => ({ reset: t.exposeBoolean('reset') }),
});

const CreatePasswordResetTokenInput = builder.inputType('CreatePasswordResetTokenInput', {
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: true }),
    sendEmail: t.boolean({ description: "Also mail the token to the user's address (through the outbox)" }),
  }),
});
const ResetPasswordInput = builder.inputType('ResetPasswordInput', {
  fields: (t) => ({ token: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  createPasswordResetToken: t.field({
    type: ResetToken,
    description: 'A one-time token (valid a day) that lets the user choose a new password; replaces any earlier one.',
    authScopes: { scope: 'admin:users:write' },
    errors: payload('CreatePasswordResetToken', 'result'),
    args: { input: t.arg({ type: CreatePasswordResetTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) => createPasswordResetToken(actionContext(ctx), input.userId.id, { sendEmail: input.sendEmail ?? false }),
  }),
  resetPassword: t.field({
    type: ResetDone,
    description: 'Public: sets a new password with a reset token and ends every session of the user (rate-limited per address).',
    authScopes: { public: true },
    errors: payload('ResetPassword', 'result'),
    args: { input: t.arg({ type: ResetPasswordInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await resetPassword(actionContext(ctx), input.token, input.newPassword, ctx.ip);
      return { reset: true };
    },
  }),
}));
