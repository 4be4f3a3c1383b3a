import { NotFoundError, unauthenticated } from '../core/errors.js';
import type { Viewer } from './caller.js';

/**
 * Self-service, a first-class rule (pronouns.cc profiles and pride flags): an account edits only
 * its own profile and its own flags, whatever scopes it holds; admins never edit someone's profile
 * through those actions, they moderate it through their own (publish, hide, clear, with a reason),
 * under admin:profiles:write. Actions call these; resolvers never decide it.
 */

/** The account a self-service action acts on: the caller itself (UNAUTHENTICATED without one). */
export function selfServiceAccount(actorId: bigint | null): bigint {
  if (actorId === null) throw unauthenticated();
  return actorId;
}

/**
 * A pride flag is edited only by its owner. Another user's flag answers as no flag at all
 * (NOT_FOUND), so flag ids do not tell who has which.
 */
export function assertOwnFlag(actorId: bigint | null, flag: { userId: string } | null): asserts flag is { userId: string } {
  const self = selfServiceAccount(actorId);
  if (!flag || flag.userId !== self.toString()) throw new NotFoundError('No such pride flag');
}

/** Whether the viewer moderates profiles (reads every profile, whether public or not). */
export const moderatesProfiles = (viewer: Viewer | null): boolean => viewer?.scopes.has('admin:profiles:read') ?? false;

/**
 * Who may read a profile: anyone when it is public (claimed or published, not hidden, account
 * active); otherwise only its own user and profile moderators. Everyone else gets "no such user",
 * so the public API does not tell who has an account.
 */
export function mayReadProfile(viewer: Viewer | null, profile: { userId: string; visible: boolean }): boolean {
  return profile.visible || viewer?.userId.toString() === profile.userId || moderatesProfiles(viewer);
}

/** The self-only fields (timezone, created_at, list_private, ...): the user itself and profile moderators. */
export function seesOwnProfileFields(viewer: Viewer | null, userId: string): boolean {
  return viewer?.userId.toString() === userId || moderatesProfiles(viewer);
}
