export * from '../modules/users/table.js';
export * from '../modules/roles/table.js';
export * from '../modules/sessions/table.js';
export * from '../modules/audit/table.js';
export * from './settings.js';
export * from '../modules/invites/table.js';
export * from '../modules/password-resets/table.js';
export * from '../modules/applications/table.js';
