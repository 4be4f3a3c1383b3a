import type { Context } from 'hono';
import type { GraphQLContext } from '../../graphql/context.js';
import { run } from '../shim.js';
import { COOKIE_USER_FIELDS, presentListUser, type CookieUserSource } from './present.js';

/** Users per batch: one `users` page each (the users list answers up to 1,000 per page). */
export const USER_BATCH = 1000;

const ALL = `query CookieAllUsers($after: String) {
  users(first: ${USER_BATCH}, after: $after, orderBy: ID_ASC, filter: { not: { status: { in: [DELETED] } } }) {
    edges { node { ${COOKIE_USER_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Batch {
  edges: { node: CookieUserSource }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const HEAD = '{"error":false,"msg":"Users fetched successfully","url":null,"data":[';
const TAIL = ']}';

/**
 * GET /api/admin/users without paging: every user, as the panels expect (they page client-side).
 * The one CookieCMS route that runs more than one operation: a keyset walk of `users` pages of
 * 1,000 (ID_ASC, `after` the previous page's end), each page written out before the next is read,
 * only when the client has taken the previous one (the stream's pull), so at most one batch is held.
 *
 * The first batch is read before answering, so a refusal (no token, no admin:users:read) is the
 * envelope with its status. A later batch that fails (the database went away) aborts the body: the
 * client sees a broken response, never a truncated list that parses.
 */
export async function streamAllUsers(c: Context, ctx: GraphQLContext): Promise<Response> {
  const batch = async (after: string | null) => (await run<{ users: Batch }>(ctx, ALL, { after })).users;
  let next: Batch | null = await batch(null);
  let written = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(HEAD));
    },
    async pull(controller) {
      if (!next) {
        controller.enqueue(encoder.encode(TAIL));
        controller.close();
        return;
      }
      const rows = next.edges.map((e) => JSON.stringify(presentListUser(e.node)));
      if (rows.length) controller.enqueue(encoder.encode((written ? ',' : '') + rows.join(',')));
      written += rows.length;
      const { hasNextPage, endCursor } = next.pageInfo;
      next = null;
      if (hasNextPage && endCursor) {
        try {
          next = await batch(endCursor);
        } catch (error) {
          ctx.log.error({ err: error, written }, 'CookieCMS users stream failed');
          controller.error(error);
        }
      }
    },
    cancel() {
      next = null;
    },
  });
  return c.body(body, 200, { 'content-type': 'application/json; charset=UTF-8' });
}
