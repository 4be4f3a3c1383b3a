import { describe, expect, it } from 'vitest';
import { inviteType } from '../../../src/modules/invites/queries.js';

const expiresAt = new Date('2030-01-01T00:00:00Z');

describe("inviteType (Pleroma's rule)", () => {
  it('is ONE_TIME for one use, REUSABLE for a limit above one or none', () => {
    expect(inviteType({ maxUses: 1, expiresAt: null })).toBe('ONE_TIME');
    expect(inviteType({ maxUses: 5, expiresAt: null })).toBe('REUSABLE');
    expect(inviteType({ maxUses: null, expiresAt: null })).toBe('REUSABLE');
  });

  it('adds DATE_LIMITED with an expiry date', () => {
    expect(inviteType({ maxUses: 1, expiresAt })).toBe('DATE_LIMITED');
    expect(inviteType({ maxUses: 2, expiresAt })).toBe('REUSABLE_DATE_LIMITED');
    expect(inviteType({ maxUses: null, expiresAt })).toBe('REUSABLE_DATE_LIMITED');
  });
});
