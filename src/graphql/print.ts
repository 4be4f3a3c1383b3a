import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { sortedSchema } from './schema.js';

/** `npm run schema:print` rewrites schema.graphql, the published contract for admin UIs. */
export const printedSchema = () => `${printSchema(sortedSchema)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/src\//, '/src/'))) {
  writeFileSync(new URL('../../schema.graphql', import.meta.url), printedSchema());
  console.log('schema.graphql written');
}
