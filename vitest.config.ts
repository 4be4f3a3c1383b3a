import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// graphql must load once: Node resolves it to the CJS build for the externalised plugins,
// so source files must get the same build, not vite's pick of index.mjs.
const graphql = fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url));

const shared = {
  extends: true as const,
  // Bounds, not expectations: generous, since two cores are shared by the whole machine (a migration
  // of a fresh PGlite took over 60 s at a load average of 20); a test waits for conditions.
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
};

export default defineConfig({
  resolve: { alias: { graphql } },
  test: {
    pool: 'forks',
    projects: [
      // Each project migrates one database per run; every test file starts from a copy (test/setup/templates.ts).
      { ...shared, test: { ...shared.test, name: 'pglite', env: { TEST_DB: 'pglite' }, globalSetup: ['test/setup/pglite.ts'] } },
      // The same suite on a real PostgreSQL server, each test file in a database of its own.
      ...(process.env.TEST_DATABASE_URL
        ? [{ ...shared, test: { ...shared.test, name: 'postgres', env: { TEST_DB: 'postgres' }, globalSetup: ['test/setup/postgres.ts'] } }]
        : []),
    ],
  },
});
