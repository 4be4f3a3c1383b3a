export { postgresTemplate as default } from './templates.js';
