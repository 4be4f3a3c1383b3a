export { pgliteTemplate as default } from './templates.js';
