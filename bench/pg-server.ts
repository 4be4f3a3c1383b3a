/**
 * The peer: PostGraphile v5 (Amber preset + the connection-filter plugin) over the bench's database,
 * the same pool size as the gateway, on its own node:http server (grafserv's node adaptor). GraphiQL
 * (Ruru), watch mode and explain are off, as a production deployment would run it.
 */
import { createServer } from 'node:http';

// PostGraphile v5 wants Node 22; on Node 20 it needs Promise.withResolvers (the only gap it hits).
const P = Promise as unknown as { withResolvers?: () => unknown };
if (!P.withResolvers) {
  P.withResolvers = () => {
    let resolve: unknown;
    let reject: unknown;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/**
 * The modules are loaded by name at run time: their types augment graphql-js's own (extensions of
 * fields and types), which would leak into the gateway's type-check if this file imported them.
 */
type Preset = Record<string, unknown>;
interface PostGraphile {
  createServ(grafserv: unknown): { addTo(server: import('node:http').Server): void };
  release(): Promise<void> | void;
}
const load = (name: string) => import(name) as Promise<Record<string, unknown>>;
const [pgMod, amber, adaptor, node, filter] = await Promise.all(
  ['postgraphile', 'postgraphile/presets/amber', 'postgraphile/adaptors/pg', 'postgraphile/grafserv/node', 'postgraphile-plugin-connection-filter'].map(load),
);
const postgraphile = pgMod.postgraphile as (preset: Preset) => PostGraphile;
const makePgService = adaptor.makePgService as (options: Preset) => Preset;
const grafserv = node.grafserv;

const pgl = postgraphile({
  extends: [amber.PostGraphileAmberPreset, filter.PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.PG_DATABASE_URL,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 10) },
    }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});

const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
server.listen(Number(process.env.PG_PORT ?? 4502), '127.0.0.1', () => process.stdout.write('postgraphile ready\n'));
process.on('SIGTERM', () => {
  server.close();
  Promise.resolve(pgl.release()).then(() => process.exit(0));
});
