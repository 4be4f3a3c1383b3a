import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Requests the gateway makes to other servers (relay actors and inboxes, webhook endpoints). Every one goes through
 * request-filtering-agent, which checks the address a name resolves to at connect time (so DNS
 * rebinding cannot slip past a check made earlier) and refuses loopback, private, link-local and
 * other reserved addresses unless `allowPrivate` (OUTBOUND_ALLOW_PRIVATE, for tests and local
 * setups). Each request is bounded: a connect timeout, a total timeout, and a cap on the answer's
 * size, so a server that never answers or answers forever costs a socket for at most the timeout.
 * Redirects are not followed.
 */
export interface OutboundOptions {
  allowPrivate: boolean;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxResponseBytes?: number;
}

export const OUTBOUND_LIMITS = { connectTimeoutMs: 5_000, totalTimeoutMs: 10_000, maxResponseBytes: 1024 * 1024 } as const;

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why an outbound request failed (unreachable, refused address, timeout, too large): the caller answers 502. */
export class OutboundError extends Error {
  override name = 'OutboundError';
}

const agents = new Map<boolean, { http: RequestFilteringHttpAgent; https: RequestFilteringHttpsAgent }>();
function agentsFor(allowPrivate: boolean) {
  let pair = agents.get(allowPrivate);
  if (!pair) {
    // allowPrivateIPAddress also covers loopback and link-local; the meta address 0.0.0.0 is never allowed.
    const filter = { allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: false, keepAlive: false };
    pair = { http: new RequestFilteringHttpAgent(filter), https: new RequestFilteringHttpsAgent(filter) };
    agents.set(allowPrivate, pair);
  }
  return pair;
}

export async function outboundRequest(
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  opts: OutboundOptions,
): Promise<OutboundResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError(`${url.protocol} URLs are not fetched`);
  const limits = { ...OUTBOUND_LIMITS, ...definedOf(opts) };
  const pair = agentsFor(opts.allowPrivate);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      req.destroy();
      reject(new OutboundError(message));
    };
    const req = send(url, {
      method: init.method,
      headers: init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      agent: url.protocol === 'https:' ? pair.https : pair.http,
    });
    const total = setTimeout(() => fail(`no complete answer within ${limits.totalTimeoutMs} ms`), limits.totalTimeoutMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connect = setTimeout(() => fail(`no connection within ${limits.connectTimeoutMs} ms`), limits.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connect));
      socket.once('close', () => clearTimeout(connect));
    });
    req.on('error', (error) => fail(error.message));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > limits.maxResponseBytes) return fail(`answer larger than ${limits.maxResponseBytes} bytes`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) return fail(`answer larger than ${limits.maxResponseBytes} bytes`);
        chunks.push(chunk);
      });
      res.on('error', (error) => fail(error.message));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(total);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(init.body);
  });
}

function definedOf(opts: OutboundOptions): Partial<typeof OUTBOUND_LIMITS> {
  return Object.fromEntries(Object.entries(opts).filter(([k, v]) => k !== 'allowPrivate' && v !== undefined));
}
