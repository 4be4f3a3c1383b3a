/**
 * Liquid's scope tree and default roles, copied as data from shrihari-prakash/liquid at commit
 * 2b8eb529a40fb7c760331e0f6192377527667dec (HEAD of 2026-08-18; both files last changed in
 * e7310648a888d00507bdb3e83569ba0d70314d51): src/service/scope-manager/scopes.json and
 * src/service/role/default-roles.json. Each entry is as Liquid answers it from GET /user/scopes;
 * the tree is explicit (`parent`), not read from the names. Do not edit by hand: re-copy.
 */
export interface LiquidScopeEntry {
  readonly name: string;
  readonly description: string;
  readonly adminDescription?: string;
  readonly parent?: string;
}

export const LIQUID_SCOPE_TREE: readonly LiquidScopeEntry[] = [
  { name: '*', description: 'View and manage everything in the system.' },
  {
    name: 'delegated:all',
    description: 'View and manage your account.',
    adminDescription: "View and manage a user's account on behalf of them using delegated access.",
    parent: '*',
  },
  {
    name: 'delegated:system:settings:read',
    description: 'View system settings.',
    adminDescription: 'View system settings on behalf of a user.',
    parent: 'delegated:all',
  },
  {
    name: 'delegated:roles:all',
    description: 'View and manage your roles.',
    adminDescription: 'View and manage user roles on behalf of a user.',
    parent: 'delegated:all',
  },
  { name: 'delegated:roles:read', description: 'View your roles.', adminDescription: 'View user roles on behalf of a user.', parent: 'delegated:roles:all' },
  {
    name: 'delegated:profile:all',
    description: 'View and manage your profile information.',
    adminDescription: 'View and manage user profile information on behalf of a user.',
    parent: 'delegated:all',
  },
  {
    name: 'delegated:profile:read',
    description: 'View your profile information.',
    adminDescription: 'View user profile information on behalf of a user.',
    parent: 'delegated:profile:all',
  },
  {
    name: 'delegated:profile:login-history:read',
    description: 'View your login history information.',
    adminDescription: 'View login history information on behalf of a user.',
    parent: 'delegated:profile:all',
  },
  {
    name: 'delegated:profile:write',
    description: 'Edit your profile information.',
    adminDescription: 'Manage user profile information on behalf of a user.',
    parent: 'delegated:profile:all',
  },
  {
    name: 'delegated:profile:2fa:all',
    description: 'View and manage Two-Factor Authentication for your account.',
    adminDescription: 'View and manage two-factor authentication of user accounts on behalf of them.',
    parent: 'delegated:profile:all',
  },
  {
    name: 'delegated:profile:2fa:write',
    description: 'Manage Two-Factor Authentication for your account.',
    adminDescription: 'Manage two-factor authentication of user accounts on behalf of a them.',
    parent: 'delegated:profile:2fa:all',
  },
  {
    name: 'delegated:profile:search',
    description: 'Search for people on your behalf.',
    adminDescription: 'Search for people on behalf of a user.',
    parent: 'delegated:profile:all',
  },
  {
    name: 'delegated:social:all',
    description: "View and manage information about people you follow and people you've blocked.",
    adminDescription: 'View and manage social features like following and blocking on behalf of a user.',
    parent: 'delegated:all',
  },
  {
    name: 'delegated:social:follow:all',
    description: 'View and manage your followers and people you follow.',
    adminDescription: 'View and manage followings and followers of a user on behalf of them.',
    parent: 'delegated:social:all',
  },
  {
    name: 'delegated:social:follow:read',
    description: 'View people you follow and your followers.',
    adminDescription: 'View followings and followers of a user on behalf of them.',
    parent: 'delegated:social:follow:all',
  },
  {
    name: 'delegated:social:follow:write',
    description: 'Manage people you follow and your followers.',
    adminDescription: 'Manage followings and followers of a user on behalf of them.',
    parent: 'delegated:social:follow:all',
  },
  {
    name: 'delegated:social:follow:accept',
    description: 'Accept follow requests on your behalf.',
    adminDescription: 'Accept follow requests on behalf of a user.',
    parent: 'delegated:social:follow:write',
  },
  {
    name: 'delegated:social:follow:remove',
    description: 'Remove your followers on your behalf.',
    adminDescription: 'Remove followers on behalf of a user.',
    parent: 'delegated:social:follow:write',
  },
  {
    name: 'delegated:social:follow:request',
    description: 'Follow people on your behalf.',
    adminDescription: 'Follow people on behalf of a user.',
    parent: 'delegated:social:follow:write',
  },
  {
    name: 'delegated:social:follow:unfollow',
    description: 'Unfollow people on your behalf.',
    adminDescription: 'Accept follow requests on behalf of a user.',
    parent: 'delegated:social:follow:write',
  },
  {
    name: 'delegated:social:block:all',
    description: "Block, unblock and view people you've blocked on your behalf.",
    adminDescription: 'Block, unblock and view people a user has blocked on behalf of them.',
    parent: 'delegated:social:all',
  },
  {
    name: 'delegated:social:block:read',
    description: "View people you've blocked.",
    adminDescription: 'View people a user has blocked on behalf of them.',
    parent: 'delegated:social:block:all',
  },
  {
    name: 'delegated:social:block:write',
    description: 'Block people on your behalf.',
    adminDescription: 'Block people on behalf of a user.',
    parent: 'delegated:social:block:all',
  },
  {
    name: 'delegated:social:invite-code:read',
    description: 'View your invite codes.',
    adminDescription: 'View invite codes on behalf of a user.',
    parent: 'delegated:social:all',
  },
  { name: 'client:all', description: 'View and manage accounts in the system using headless application access.', parent: '*' },
  { name: 'client:roles:all', description: 'View and manage roles in the system.', parent: 'client:all' },
  { name: 'client:roles:read', description: 'View roles in the system.', parent: 'client:roles:all' },
  { name: 'client:roles:write', description: 'Manage roles in the system.', parent: 'client:roles:all' },
  { name: 'client:roles:delete', description: 'Delete roles in the system.', parent: 'client:roles:all' },
  { name: 'client:system:all', description: 'View and manage the system.', parent: 'client:all' },
  { name: 'client:oauth:all', description: 'View and manage OAuth information.', parent: 'client:all' },
  { name: 'client:oauth:introspect', description: 'Introspect access tokens of users.', parent: 'client:oauth:all' },
  { name: 'client:social:all', description: 'View and manage social features in the system.', parent: 'client:all' },
  { name: 'client:social:follow:all', description: 'View and manage followers of accounts in the system.', parent: 'client:social:all' },
  { name: 'client:social:follow:read', description: 'View accounts in the system follow and their followers.', parent: 'client:social:follow:all' },
  { name: 'client:social:block:read', description: 'View people that the accounts in the sytstem have blocked.', parent: 'client:social:all' },
  { name: 'client:social:invite-code:all', description: 'View and manage invite codes of user accounts.', parent: 'client:social:all' },
  { name: 'client:social:invite-code:read', description: 'Read invite codes of user accounts.', parent: 'client:social:invite-code:all' },
  { name: 'client:social:invite-code:write', description: 'Manage invite codes of user accounts in the system.', parent: 'client:social:invite-code:all' },
  { name: 'client:profile:all', description: 'View and manage profile information of user accounts in the system.', parent: 'client:all' },
  { name: 'client:profile:read', description: 'View the profile information of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:write', description: 'Edit your profile information of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:create:write', description: 'Create user accounts in the system.', parent: 'client:profile:write' },
  { name: 'client:profile:login-history:read', description: 'Audit login history of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:ban:write', description: 'Ban and unban user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:restrict:write', description: 'Restrict and unrestrict user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:credits:write', description: 'Modify credits of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:subscriptions:write', description: 'Modify subscriptions of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:custom-data:write', description: 'Modify custom data of user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:configuration:read', description: 'Read system configurations.', parent: 'client:all' },
  { name: 'client:profile:access:write', description: 'View and manage permissions of other users and clients in the system.', parent: 'client:profile:write' },
  { name: 'client:profile:search', description: 'Search for user accounts in the system.', parent: 'client:profile:all' },
  { name: 'client:profile:sensitive:all', description: 'Read and write to all levels sensitive fields of users.', parent: 'client:all' },
  { name: 'client:profile:sensitive:read', description: 'Read all levels of sensitive fields of users.', parent: 'client:profile:sensitive:all' },
  { name: 'client:profile:sensitive:write', description: 'Modify all levels of sensitive fields of users.', parent: 'client:profile:sensitive:all' },
  { name: 'client:profile:sensitive:low:write', description: 'Modify low level sensitive fields of users.', parent: 'client:profile:sensitive:write' },
  { name: 'client:profile:sensitive:medium:write', description: 'Modify medium level sensitive fields of users.', parent: 'client:profile:sensitive:write' },
  { name: 'client:profile:sensitive:high:write', description: 'Modify high level sensitive fields of users.', parent: 'client:profile:sensitive:write' },
  { name: 'client:profile:sensitive:extreme:write', description: 'Modify extreme level sensitive fields of users.', parent: 'client:profile:sensitive:write' },
  { name: 'admin:all', description: 'View and manage user accounts in the system using admin APIs.', parent: '*' },
  { name: 'admin:roles:all', description: 'View and manage roles in the system.', parent: 'admin:all' },
  { name: 'admin:roles:read', description: 'View roles in the system.', parent: 'admin:roles:all' },
  { name: 'admin:roles:write', description: 'Manage roles in the system.', parent: 'admin:roles:all' },
  { name: 'admin:roles:delete', description: 'Delete roles in the system.', parent: 'admin:roles:all' },
  { name: 'admin:system:all', description: 'View and manage the system.', parent: 'admin:all' },
  { name: 'admin:system:client:all', description: 'View and manage clients in the system.', parent: 'admin:system:all' },
  { name: 'admin:system:client:read', description: 'View clients in the system.', parent: 'admin:system:client:all' },
  { name: 'admin:system:internal-client:all', description: 'View and manage first party clients in the system.', parent: 'admin:system:client:all' },
  { name: 'admin:system:internal-client:write', description: 'Manage first party clients in the system.', parent: 'admin:system:internal-client:all' },
  { name: 'admin:system:internal-client:delete', description: 'Delete first party clients in the system.', parent: 'admin:system:internal-client:all' },
  { name: 'admin:system:external-client:all', description: 'View and manage third party clients in the system.', parent: 'admin:system:client:all' },
  { name: 'admin:system:external-client:write', description: 'Manage third party clients in the system.', parent: 'admin:system:external-client:all' },
  { name: 'admin:system:external-client:delete', description: 'Delete third party clients in the system.', parent: 'admin:system:external-client:all' },
  { name: 'admin:profile:all', description: 'View and manage profile information of user accounts in the system.', parent: 'admin:all' },
  { name: 'admin:profile:read', description: 'View the profile information of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:search', description: 'Search for people in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:write', description: 'Edit your profile information of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:login-history:read', description: 'Audit login history of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:access:write', description: 'View and manage permissions of other users and clients in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:create:write', description: 'Create user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:ban:write', description: 'Ban and unban user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:restrict:write', description: 'Restrict and unrestrict user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:credits:write', description: 'Modify credits of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:subscriptions:write', description: 'Modify subscriptions of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:verifications:write', description: 'Update verification status for user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:profile:custom-data:write', description: 'Modify custom data of user accounts in the system.', parent: 'admin:profile:all' },
  { name: 'admin:social:all', description: 'View and manage social features in the system.', parent: 'admin:all' },
  { name: 'admin:social:invite-code:all', description: 'View and manage invite codes of user accounts.', parent: 'admin:social:all' },
  { name: 'admin:social:invite-code:read', description: 'Read invite codes of user accounts in the system.', parent: 'admin:social:invite-code:all' },
  { name: 'admin:social:invite-code:write', description: 'Manage invite codes of user accounts in the system.', parent: 'admin:social:invite-code:all' },
  { name: 'admin:configuration:read', description: 'Read system configurations.', parent: 'admin:all' },
  { name: 'admin:profile:sensitive:all', description: 'Read and write to all levels sensitive fields of users.', parent: 'admin:all' },
  { name: 'admin:profile:sensitive:read', description: 'Read all levels of sensitive fields of users.', parent: 'admin:profile:sensitive:all' },
  { name: 'admin:profile:sensitive:write', description: 'Modify all levels of sensitive fields of users.', parent: 'admin:profile:sensitive:all' },
  { name: 'admin:profile:sensitive:low:write', description: 'Modify low level sensitive fields of users.', parent: 'admin:profile:sensitive:write' },
  { name: 'admin:profile:sensitive:medium:write', description: 'Modify medium level sensitive fields of users.', parent: 'admin:profile:sensitive:write' },
  { name: 'admin:profile:sensitive:high:write', description: 'Modify high level sensitive fields of users.', parent: 'admin:profile:sensitive:write' },
  { name: 'admin:profile:sensitive:extreme:write', description: 'Modify extreme level sensitive fields of users.', parent: 'admin:profile:sensitive:write' },
];

export interface LiquidDefaultRole {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly ranking: number;
  readonly scope: readonly string[];
  readonly type: 'user' | 'client';
}

export const LIQUID_DEFAULT_ROLES: readonly LiquidDefaultRole[] = [
  {
    id: 'super_admin',
    displayName: 'Super Admin',
    description: 'The system super admin. Has all permissions and cannot be restricted.',
    ranking: 1,
    scope: ['*'],
    type: 'user',
  },
  {
    id: 'admin',
    displayName: 'Admin',
    description: 'Ranks a little lower than Super Admin and has no permissions assigned by default.',
    ranking: 2,
    scope: [],
    type: 'user',
  },
  { id: 'user', displayName: 'User', description: 'Ranked the lowest. Has no permissions assigned by default.', ranking: 100, scope: [], type: 'user' },
  {
    id: 'internal_client',
    displayName: 'Internal Client',
    description: 'First party and trusted applications.',
    ranking: 2,
    scope: ['client:all'],
    type: 'client',
  },
  {
    id: 'external_client',
    displayName: 'External Client',
    description: 'Third party applications. Ranked the same as users due to lower trust.',
    ranking: 100,
    scope: [],
    type: 'client',
  },
];
