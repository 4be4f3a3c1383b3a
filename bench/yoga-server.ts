/**
 * The floor of the gateway's stack: graphql-yoga on node:http with a one-field schema and nothing
 * else (no plugins, no authentication, no logging). The bench measures `{ __typename }` on it beside
 * the gateway and PostGraphile, so a run shows how much of the fixed cost of a request is yoga's own.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String }' }), landingPage: false, graphiql: false, logging: false });
const server = createServer(yoga);
server.listen(Number(process.env.YOGA_PORT ?? 4504), '127.0.0.1', () => process.stdout.write('yoga ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
