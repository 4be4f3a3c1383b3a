import { builder } from '../../graphql/builder.js';
import { UserRef } from '../users/schema.js';

/**
 * The profile fields User carried before profiles had a module, now defined here. They stay columns
 * of `users` (read in the page's one statement by the users engine: a loader of their own would add a
 * statement per page for six scalars); pronouns.cc's richer profile is `User.pronounsProfile`.
 */
builder.objectFields(UserRef, (t) => ({
  displayName: t.exposeString('displayName', { nullable: true }),
  bio: t.exposeString('bio', { nullable: true }),
  pronouns: t.exposeString('pronouns', {
    nullable: true,
    description: "Free text (Liquid's `pronouns`); pronouns.cc's entries are `pronounsProfile.pronouns`",
  }),
  avatarHash: t.exposeString('avatarHash', { nullable: true, description: 'The stored image (Media) of the avatar; always one that exists' }),
  shortId: t.exposeString('shortId', { description: 'pronouns.cc short id: 5 lowercase letters' }),
  timezone: t.exposeString('timezone', { nullable: true }),
}));
